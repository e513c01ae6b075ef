import { describe, expect, it } from "vitest";
import { ownedFiles, updateDrift, type CommitTouch } from "../src/plan/drift.js";
import type { OwnershipIndex } from "../src/plan/ownership-index.js";

const index: OwnershipIndex = {
  source: "acme/payments",
  units: [{ environment: "staging", namespace: "payments-staging", service: "api", files: ["staging/payments-staging/api/application.yaml"] }],
  catalog: ["catalog/payments/api.yaml"],
};
const owned = ownedFiles([{ path: ".paved/sources/1296269.yaml", index }]);
const APP = "staging/payments-staging/api/application.yaml";
const person = (sha: string, path: string, before?: string | null): CommitTouch => ({ sha, author: "mallory", paved: false, files: [{ path, ...(before !== undefined ? { before } : {}) }] });
const paved = (sha: string, path: string): CommitTouch => ({ sha, author: "paved[bot]", paved: true, files: [{ path }] });

describe("drift", () => {
  it("owns unit files, catalog entries and the index itself", () => {
    expect([...owned.keys()].sort()).toEqual([".paved/sources/1296269.yaml", "catalog/payments/api.yaml", APP]);
    expect(owned.get(APP)!.unit).toBe("staging/payments-staging/api");
  });

  it("is started by anyone else's change to an owned file, moved to their later commit, and ended by Paved's", () => {
    const tree = new Map([[APP, "changed"]]);
    const one = updateDrift([], [person("c1", APP, "rendered"), person("c2", "README.md", null)], owned, tree);
    expect(one).toEqual([{ path: APP, source: "acme/payments", index: ".paved/sources/1296269.yaml", unit: "staging/payments-staging/api", commit: "c1", author: "mallory", paved: "rendered" }]);
    const two = updateDrift(one, [person("c3", APP)], owned, tree);
    expect(two[0]).toMatchObject({ commit: "c3", paved: "rendered" });
    expect(updateDrift(two, [paved("c4", APP)], owned, tree)).toEqual([]);
  });

  it("ends when the file holds again what Paved left, and never counts Paved's commits", () => {
    const drifted = updateDrift([], [person("c1", APP, "rendered")], owned, new Map([[APP, "changed"]]));
    expect(updateDrift(drifted, [], owned, new Map([[APP, "rendered"]]))).toEqual([]);
    expect(updateDrift([], [paved("c1", APP)], owned, new Map([[APP, "x"]]))).toEqual([]);
  });
});
