/** Where a unit's field is in the manifest: the override line, else the base field, else the service key. */
import type { Unit } from "../core/unit.js";
import { valueAt } from "../core/pointer.js";
import { originOf } from "../manifest/resolve.js";
import { siteIn, type Site } from "../document/site.js";
import type { SourceMap } from "../document/parse.js";

export function unitFieldSite(unit: Unit, field: string, sourceMap: SourceMap): Site {
  const path = originOf(unit, field);
  const exact = unit.origins[field] !== undefined;
  return siteIn(sourceMap, path, exact && isScalar(valueAt(unit.spec, field)) ? "value" : "key");
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}
