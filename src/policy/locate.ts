/** Where a unit's field is in the manifest: the override line, else the base field, else the service key. */
import type { FindingLocation } from "../core/diagnostic.js";
import type { Unit } from "../core/unit.js";
import { valueAt } from "../core/pointer.js";
import { originOf } from "../manifest/resolve.js";

export function unitFieldLocation(unit: Unit, field: string, document: string): FindingLocation {
  const exact = unit.origins[field] !== undefined;
  return { document, pointer: originOf(unit, field), side: exact && isScalar(valueAt(unit.spec, field)) ? "value" : "key" };
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}
