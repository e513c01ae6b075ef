import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import type { ResolvedConfig } from "../src/config/types.js";
import type { Source } from "../src/core/files.js";
import { desiredFiles } from "../src/plan/desired.js";
import { applyPlanToTree } from "../src/plan/apply-tree.js";
import { blobsNeeded } from "../src/plan/needed.js";
import { desiredState } from "../src/flows/pipeline.js";
import type { DesiredState, Blobs, Plan } from "../src/plan/types.js";
import { plan } from "../src/plan/plan.js";
import { defaultTemplates } from "../src/render/index.js";
import { checkRunOutput } from "../src/report/check-run-output.js";
import { CHECK_RUN_MAX_BYTES, COMMENT_MAX_CHARS } from "../src/report/limits.js";
import { markdownComment } from "../src/report/markdown.js";
import { treeOf } from "./plan-fixtures.js";

const CONFIG_TEXT = `
gitops: { repository: acme/gitops }
environments:
  dev: { cluster: https://kubernetes.default.svc, domain: dev.acme.io }
  staging: { cluster: https://kubernetes.default.svc, domain: staging.acme.io }
  production: { cluster: https://prod.acme.io, namespace: "{owner}", domain: acme.io, production: true }
dependencies:
  postgres: { apiVersion: database.acme.io/v1alpha1, kind: PostgreSQLInstance, classes: [small, large], outputs: [url] }
`;

const config: ResolvedConfig = (() => {
  const loaded = loadConfig(CONFIG_TEXT, ".github/paved.yml");
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
})();

const source: Source = { repository: "acme/payments", sha: "a".repeat(40) };

function state(text: string | null): DesiredState {
  return desiredState(text, "platform.yaml", config, source, defaultTemplates());
}

/** Plans against `files` the way a shell does: fetch what blobsNeeded asks for, then plan. */
function planAgainst(desired: DesiredState, files: ReadonlyMap<string, string>, manifestText?: string): Plan {
  const tree = treeOf(files);
  const blobs: Blobs = new Map();
  for (let round = 0; round < 4; round++) {
    const needed = blobsNeeded(desired, tree, source, config, blobs);
    if (needed.length === 0) break;
    for (const path of needed) blobs.set(path, files.get(path)!);
  }
  return plan({ ...desired, tree, blobs, source, config, version: "0.1.0", ...(manifestText !== undefined ? { manifestText } : {}) });
}

interface ServiceSpec {
  replicas: number;
  tag: string;
  port: boolean;
  db: boolean;
}

function manifest(services: Record<string, ServiceSpec>): string {
  const lines = ["apiVersion: paved.dev/v1", "owner: payments", "services:"];
  for (const [name, s] of Object.entries(services)) {
    lines.push(`  ${name}:`, `    image: ghcr.io/acme/${name}:${s.tag}`, `    replicas: ${s.replicas}`);
    if (s.port) lines.push("    port: 8080", "    ingress: {}", "    autoscaling: { min: 2, max: 6 }");
    if (s.db) lines.push("    dependencies:", "      db: { type: postgres, class: small }", "    env:", "      DATABASE_URL: ${dependencies.db.url}");
  }
  return `${lines.join("\n")}\n`;
}

const serviceSpec = fc.record({
  replicas: fc.integer({ min: 2, max: 5 }),
  tag: fc.constantFrom("1.0.0", "1.0.1", "2.0.0"),
  port: fc.boolean(),
  db: fc.boolean(),
});
const services = fc.dictionary(fc.constantFrom("api", "worker", "web", "jobs", "cron"), serviceSpec, { minKeys: 1, maxKeys: 4 });

describe("plan over the real pipeline", () => {
  it("applying a plan reaches the desired state: planning again finds nothing, whatever came before", () => {
    fc.assert(
      fc.property(services, services, (first, second) => {
        const a = state(manifest(first));
        expect(a.check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const afterA = applyPlanToTree(new Map(), planAgainst(a, new Map()));
        const b = state(manifest(second));
        const toB = planAgainst(b, afterA);
        expect(toB.valid).toBe(true);
        const afterB = applyPlanToTree(afterA, toB);
        const again = planAgainst(b, afterB);
        expect(again.changes).toEqual([]);
        // Exactly the rendered files and the index remain: nothing of A's leftovers.
        expect([...afterB.keys()].sort()).toEqual([...desiredFiles(b.rendered, b.index).keys()].sort());
      }),
      { numRuns: 25 },
    );
  });

  it("deletes everything the source owned, index included, when the manifest is removed", () => {
    const a = state(manifest({ api: { replicas: 2, tag: "1.0.0", port: true, db: true } }));
    const files = applyPlanToTree(new Map(), planAgainst(a, new Map()));
    const removal = planAgainst(state(null), files);
    expect(removal.valid).toBe(true);
    const left = applyPlanToTree(files, removal);
    expect([...left.keys()]).toEqual(a.rendered.shared);
    expect(removal.units.every((u) => u.action === "delete")).toBe(true);
    expect(removal.risks.map((r) => r.kind)).toContain("dependency-removal");
  });

  it("plans nothing for an invalid manifest, with located errors", () => {
    const broken = state("apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1\n    replica: 2\n");
    const p = planAgainst(broken, new Map());
    expect(p).toMatchObject({ valid: false, changes: [], units: [] });
    expect(p.diagnostics[0]).toMatchObject({ file: "platform.yaml", line: 6, column: 5 });
  });

  it("keeps reports within GitHub's limits for 100 services in 3 environments", () => {
    const many: Record<string, ServiceSpec> = {};
    for (let i = 0; i < 100; i++) many[`svc-${i}`] = { replicas: 2, tag: "1.0.0", port: true, db: i % 2 === 0 };
    const text = manifest(many);
    const p = planAgainst(state(text), new Map(), text);
    expect(p.valid).toBe(true);
    expect(p.units).toHaveLength(300);
    const ctx = { source, manifestPath: "platform.yaml" };
    expect(markdownComment(p, ctx).length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    const out = checkRunOutput(p, ctx);
    expect(Buffer.byteLength(out.summary)).toBeLessThanOrEqual(CHECK_RUN_MAX_BYTES);
    expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(CHECK_RUN_MAX_BYTES);
  });
});
