import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../src/plan/blob-sha.js";
import { verifiedBlobs } from "../src/plan/verified-blobs.js";

const render = (files: Record<string, string>, index?: { path: string; content: string }) => ({
  rendered: { files: new Map(Object.entries(files)), units: [], owned: [], shared: [], diagnostics: [] },
  index: index ?? null,
});

describe("verified blobs (a local render standing in for fetched contents)", () => {
  it("keeps only files whose git blob sha is the one the tree lists, the index included", () => {
    const tree = new Map([
      ["a.yaml", gitBlobSha("a: 1\n")],
      ["edited-by-hand.yaml", gitBlobSha("b: 2 # edited\n")],
      [".paved/sources/1.yaml", gitBlobSha("index\n")],
    ]);
    const blobs = verifiedBlobs(render({ "a.yaml": "a: 1\n", "edited-by-hand.yaml": "b: 2\n", "not-in-tree.yaml": "c: 3\n" }, { path: ".paved/sources/1.yaml", content: "index\n" }), tree);
    expect([...blobs]).toEqual([
      ["a.yaml", "a: 1\n"],
      [".paved/sources/1.yaml", "index\n"],
    ]);
  });

  it("counts bytes, not characters, as git does", () => {
    const content = "name: café\n";
    expect(verifiedBlobs(render({ "u.yaml": content }), new Map([["u.yaml", gitBlobSha(content)]])).get("u.yaml")).toBe(content);
    expect(verifiedBlobs(render({ "u.yaml": content }), new Map([["u.yaml", gitBlobSha("name: cafe\n")]])).size).toBe(0);
  });
});
