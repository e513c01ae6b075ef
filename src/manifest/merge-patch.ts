/**
 * RFC 7386 JSON Merge Patch over plain JSON values, without mutating either input.
 * Keys are always written as own data properties, so a `__proto__` key in untrusted input
 * stays an ordinary key and never reaches an object's prototype.
 */

export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** `object[key] = value` that cannot invoke the `__proto__` setter. */
export function setOwn(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The own property, or undefined: never an inherited one (`constructor`, `__proto__`). */
export function getOwn(object: JsonObject, key: string): unknown {
  return hasOwn(object, key) ? object[key] : undefined;
}

/** A deep copy of a JSON value (objects and arrays are fresh, keys are own properties). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const key of Object.keys(value)) setOwn(copy, key, cloneJson(value[key]));
    return copy as T;
  }
  return value;
}

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
