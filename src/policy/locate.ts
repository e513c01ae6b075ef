/** Where a unit's field is in the manifest: the override line, else the base field, else the service key. */
import type { Unit } from "../core/unit.js";
import { parsePointer } from "../core/pointer.js";
import { originOf } from "../manifest/resolve.js";
import { siteIn } from "../manifest/schema.js";
import type { Site } from "../manifest/schema-errors.js";
import type { SourceMap } from "../manifest/parse.js";

export function unitFieldSite(unit: Unit, field: string, sourceMap: SourceMap): Site {
  const path = originOf(unit, field);
  const exact = unit.origins[field] !== undefined;
  return siteIn(sourceMap, path, exact && isScalar(valueAt(unit.spec, field)) ? "value" : "key");
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

/** The value at a JSON Pointer, or undefined; own properties only. */
export function valueAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const token of parsePointer(path)) {
    if (node === null || typeof node !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
