import { describe, expect, it } from "vitest";
import { planner } from "../src/flows/planner.js";
import { plan } from "../src/plan/plan.js";
import { CONFIG, SOURCE, desired, filesOf, service, treeOf, units } from "./plan-fixtures.js";

const busy = service({ autoscaling: { min: 2, max: 4 }, ingress: { host: "x.example.com", path: "/" }, env: { A: "1", B: "2" } });
const names = Array.from({ length: 1000 }, (_, i) => `svc-${i}`);

describe("plan at scale (1,000 services × 3 environments)", () => {
  it("plans a first apply, a no-op and a one-line edit", () => {
    const t0 = performance.now();
    const base = desired(units(names, () => busy));
    const t1 = performance.now();
    const first = plan({ ...base, tree: new Map(), blobs: new Map(), source: SOURCE, config: CONFIG, version: "0" });
    const t2 = performance.now();
    expect(first.changes.length).toBe(filesOf(base).size);
    const files = filesOf(base);
    const tree = treeOf(files);
    const same = plan({ ...base, tree, blobs: new Map(), source: SOURCE, config: CONFIG, version: "0" });
    const t3 = performance.now();
    expect(same.changes).toEqual([]);
    const edited = desired(units(names, (n, e) => (n === "svc-7" && e === "production" ? service({ ...busy, replicas: 5 }) : busy)));
    const t4 = performance.now();
    const bound = planner(edited, { source: SOURCE, config: CONFIG, version: "0" });
    const blobs = new Map<string, string>();
    for (let round = 0, needed = bound.blobsNeeded(tree, blobs); needed.length > 0 && round < 3; round++, needed = bound.blobsNeeded(tree, blobs)) {
      for (const p of needed) blobs.set(p, files.get(p)!);
    }
    const edit = bound.plan({ treeId: "abc", tree }, blobs);
    const t5 = performance.now();
    expect(edit.changes.map((c) => c.path)).toEqual([".paved/sources/acme/payments.yaml", "production/payments-production/svc-7/manifests/deployment.yaml"]);
    if (process.env.PAVED_TIMING) console.log({ render: t1 - t0, first: t2 - t1, noop: t3 - t2, edit: t5 - t4, files: files.size });
  });
});
