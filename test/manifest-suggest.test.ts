import { describe, it, expect } from "vitest";
import { didYouMean, editDistance, listNames, suggest } from "../src/document/suggest.js";

describe("suggest", () => {
  it("counts an adjacent transposition as one edit", () => {
    expect(editDistance("prot", "port")).toBe(1);
    expect(editDistance("replica", "replicas")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("suggests only close names", () => {
    const fields = ["replicas", "port", "image", "memory", "cpu"];
    expect(suggest("replica", fields)).toBe("replicas");
    expect(suggest("prot", fields)).toBe("port");
    expect(suggest("Image", fields)).toBe("image");
    expect(suggest("memroy", fields)).toBe("memory");
    expect(suggest("xyz", fields)).toBeUndefined();
    expect(suggest("database", fields)).toBeUndefined();
  });

  it("suggests the unique name a short word abbreviates", () => {
    expect(suggest("prod", ["staging", "production"])).toBe("production");
    expect(suggest("pr", ["staging", "production"])).toBeUndefined();
  });

  it("formats for messages", () => {
    expect(didYouMean("replica", ["replicas"])).toBe("; did you mean `replicas`?");
    expect(didYouMean("zzz", ["replicas"])).toBe("");
    expect(listNames(["a", "b", "c"])).toBe("`a`, `b` and `c`");
    expect(listNames(["a", "b"], "or")).toBe("`a` or `b`");
  });
});
