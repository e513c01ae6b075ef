/**
 * RFC 7386 JSON Merge Patch over plain JSON values, without mutating either input.
 * Keys are always written as own data properties, so a `__proto__` key in untrusted input
 * stays an ordinary key and never reaches an object's prototype.
 */

import { cloneJson, getOwn, isJsonObject, setOwn, type JsonObject } from "./own.js";

/** RFC 7386 §2 MergePatch(target, patch). */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete result[key];
    } else {
      setOwn(result, key, applyMergePatch(getOwn(result, key), value));
    }
  }
  return result;
}
