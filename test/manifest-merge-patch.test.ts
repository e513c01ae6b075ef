import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { applyMergePatch } from "../src/document/merge-patch.js";

/** RFC 7386 §2, written as plainly as possible, as the reference. */
function reference(target: unknown, patch: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(patch)) return JSON.parse(JSON.stringify(patch)) as unknown;
  const out = new Map<string, unknown>(isObject(target) ? Object.entries(target) : []);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) out.delete(key);
    else out.set(key, reference(out.get(key), value));
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of out) Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  return result;
}

const key = fc.constantFrom("a", "b", "c", "d", "__proto__", "constructor", "toString");
// Plain JSON without null: what targets and replaced values are.
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: "small" },
    fc.string({ maxLength: 4 }),
    fc.integer(),
    fc.boolean(),
    fc.array(tie("json"), { maxLength: 3 }),
    fc.dictionary(key, tie("json"), { maxKeys: 4 }),
  ),
}));
const object = fc.dictionary(key, json, { maxKeys: 4 });
// A patch: members are values, nested patches, or null (remove).
const { patch } = fc.letrec((tie) => ({
  patch: fc.dictionary(key, fc.oneof({ depthSize: "small" }, json, fc.constant(null), tie("patch")), { maxKeys: 4 }),
}));

function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== "object") return false;
  return Object.values(value as object).some(containsNull);
}

describe("RFC 7386 merge patch", () => {
  it.each([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("appendix A: %j + %j = %j", (target, patchValue, expected) => {
    expect(applyMergePatch(target, patchValue)).toEqual(expected);
  });

  it("does not mutate its inputs", () => {
    const target = { a: { b: 1 } };
    const p = { a: { c: 2 } };
    applyMergePatch(target, p);
    expect(target).toEqual({ a: { b: 1 } });
    expect(p).toEqual({ a: { c: 2 } });
  });

  it("never touches a prototype", () => {
    const p = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown;
    const result = applyMergePatch({}, p) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result)).toEqual(["__proto__", "constructor"]);
  });

  it("law: patching with {} is the identity on objects", () => {
    fc.assert(
      fc.property(object, (target) => {
        expect(applyMergePatch(target, {})).toEqual(target);
      }),
    );
  });

  it("law: applying the same patch twice equals applying it once", () => {
    fc.assert(
      fc.property(object, patch, (target, p) => {
        const once = applyMergePatch(target, p);
        expect(applyMergePatch(once, p)).toEqual(once);
      }),
    );
  });

  it("law: the result of an object patch never contains null", () => {
    fc.assert(
      fc.property(object, patch, (target, p) => {
        expect(containsNull(applyMergePatch(target, p))).toBe(false);
      }),
    );
  });

  it("law: matches a simple reference implementation", () => {
    fc.assert(fc.property(fc.oneof(object, json, patch), fc.oneof(patch, json), (target, p) => {
      expect(applyMergePatch(target, p)).toEqual(reference(target, p));
    }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
