import { describe, expect, it } from "vitest";
import type { Source } from "../src/core/files.js";
import { blobsNeeded } from "../src/plan/needed.js";
import { buildIndex, formatIndex, parseIndex } from "../src/plan/ownership-index.js";
import { applyPlanToTree } from "../src/plan/apply-tree.js";
import { plan } from "../src/plan/plan.js";
import type { Blobs, DesiredInput, PlanInput } from "../src/plan/types.js";
import { CONFIG, SOURCE, desired, filesOf, service, treeOf, unit, units } from "./plan-fixtures.js";

/** Plans `next` against a repository holding `files`, fetching blobs as a shell would. */
function planAgainst(next: DesiredInput, files: ReadonlyMap<string, string>, source: Source = SOURCE, extra: Partial<PlanInput> = {}) {
  const tree = treeOf(files);
  const blobs: Blobs = new Map();
  for (let round = 0; round < 4; round++) {
    const needed = blobsNeeded(next, tree, source, CONFIG, blobs);
    if (needed.length === 0) break;
    for (const path of needed) blobs.set(path, files.get(path)!);
  }
  return { plan: plan({ ...next, tree, blobs, source, config: CONFIG, version: "0.1.0", ...extra }), blobs };
}

const empty = new Map<string, string>();

describe("plan", () => {
  const base = desired(units(["api", "worker"]));

  it("creates every file, the index included, on an empty repository", () => {
    const { plan: p } = planAgainst(base, empty);
    expect(p.valid).toBe(true);
    expect(p.changes.every((c) => c.action === "create")).toBe(true);
    expect(p.changes.map((c) => c.path)).toContain(".paved/sources/acme/payments.yaml");
    expect(p.changes.length).toBe(filesOf(base).size);
    expect(p.units.map((u) => `${u.environment}/${u.service}:${u.action}`)).toEqual([
      "dev/api:create",
      "dev/worker:create",
      "staging/api:create",
      "staging/worker:create",
      "production/api:create",
      "production/worker:create",
    ]);
    expect(p.environments).toEqual(["dev", "staging", "production"]);
    expect(p.risks.map((r) => r.kind)).toEqual(["production"]);
    expect(p.changes.map((c) => c.path)).toEqual([...p.changes.map((c) => c.path)].sort());
  });

  it("is empty against a tree that already holds the render, and fetches nothing", () => {
    const { plan: p, blobs } = planAgainst(base, filesOf(base));
    expect(p.valid).toBe(true);
    expect(p.changes).toEqual([]);
    expect(p.environments).toEqual([]);
    expect(p.risks).toEqual([]);
    expect(p.units.every((u) => u.action === "unchanged")).toBe(true);
    expect(blobs.size).toBe(0);
  });

  it("applying the plan reaches the desired files", () => {
    const { plan: p } = planAgainst(base, empty);
    expect(applyPlanToTree(empty, p)).toEqual(filesOf(base));
  });

  it("an edit touches only its unit's files (and the index), and says what changed", () => {
    const edited = desired(
      units(["api", "worker"], (name, env) =>
        name === "api" && env === "staging"
          ? service({ image: "ghcr.io/acme/api:1.4.2", replicas: 3, env: { LOG_LEVEL: "debug" }, dependencies: { db: { type: "postgres", class: "small" } } })
          : service(),
      ),
    );
    const { plan: p } = planAgainst(edited, filesOf(base));
    expect(p.changes.map((c) => `${c.action} ${c.path}`)).toEqual([
      "update .paved/sources/acme/payments.yaml",
      "update staging/payments-staging/api/manifests/deployment.yaml",
    ]);
    const deployment = p.changes[1]!;
    expect(deployment.unit).toEqual({ environment: "staging", service: "api" });
    expect(deployment.diff).toContain("-image: ghcr.io/acme/api:1.4.1\n-replicas: 2\n+image: ghcr.io/acme/api:1.4.2\n+replicas: 3\n");
    const api = p.units.find((u) => u.environment === "staging" && u.service === "api")!;
    expect(api.action).toBe("update");
    expect(api.summary).toEqual(["image tag 1.4.1 → 1.4.2", "replicas 2 → 3", "env LOG_LEVEL added", "dependency db added (postgres/small)"]);
    expect(p.environments).toEqual(["staging"]);
    expect(p.risks).toEqual([]);
  });

  it("removing a service deletes exactly its files and its catalog entry", () => {
    const other = desired(units(["billing"], () => service(), "billing"), { repository: "acme/billing" });
    const files = new Map([...filesOf(base), ...filesOf(other)]);
    const { plan: p } = planAgainst(desired(units(["api"])), files);
    const deleted = p.changes.filter((c) => c.action === "delete").map((c) => c.path);
    const expected = [...base.rendered.files.keys()].filter((path) => path.includes("/worker")).sort();
    expect(deleted).toEqual(expected);
    expect(deleted).toContain("catalog/payments/worker.yaml");
    expect(p.changes.filter((c) => c.action !== "delete").map((c) => c.path)).toEqual([".paved/sources/acme/payments.yaml"]);
    expect(p.units.filter((u) => u.action === "delete").map((u) => `${u.environment}/${u.service}`)).toEqual([
      "dev/worker",
      "staging/worker",
      "production/worker",
    ]);
    expect(p.risks.filter((r) => r.kind === "deletion")).toHaveLength(3);
    const deletion = p.changes.find((c) => c.path === "staging/payments-staging/worker/application.yaml")!;
    expect(deletion.diff).toMatch(/^--- a\/staging\/payments-staging\/worker\/application\.yaml\n\+\+\+ \/dev\/null\n/);
  });

  it("removing the whole manifest deletes exactly the source's files, index included, and nothing shared or foreign", () => {
    const other = desired(units(["billing"]), { repository: "acme/billing" });
    const files = new Map([...filesOf(base), ...filesOf(other)]);
    const gone = desired([]);
    expect(gone.index).toBeNull();
    const { plan: p } = planAgainst(gone, files);
    expect(p.diagnostics).toEqual([]);
    expect(p.valid).toBe(true);
    expect(p.changes.every((c) => c.action === "delete")).toBe(true);
    const ours = [...base.rendered.owned, base.index!.path].sort();
    expect(p.changes.map((c) => c.path)).toEqual(ours);
    expect(p.changes.map((c) => c.path)).not.toContain("projects/payments.yaml");
    const after = applyPlanToTree(files, p);
    for (const path of filesOf(other).keys()) expect(after.has(path)).toBe(true);
  });

  it("refuses a unit another source already deploys, naming the owner", () => {
    const billing = desired(units(["api"]), { repository: "acme/billing" });
    const { plan: p } = planAgainst(base, filesOf(billing), SOURCE, {
      manifestFile: "platform.yaml",
      locate: (ptr) => (ptr === "/services/api" ? { line: 7, column: 3 } : undefined),
    });
    expect(p.valid).toBe(false);
    expect(p.changes).toEqual([]);
    const conflicts = p.diagnostics.filter((d) => d.code === "ownership-conflict");
    expect(conflicts.length).toBeGreaterThanOrEqual(3);
    expect(conflicts[0]).toMatchObject({ severity: "error", file: "platform.yaml", line: 7, column: 3, path: "/services/api" });
    expect(conflicts[0]!.message).toContain("acme/billing");
  });

  it("refuses hand-written files in a unit directory, and never deletes files it does not list", () => {
    const files = new Map([...filesOf(base), ["staging/payments-staging/api/manifests/extra.yaml", "kind: ConfigMap\n"]]);
    const { plan: p } = planAgainst(base, files);
    expect(p.valid).toBe(false);
    expect(p.diagnostics[0]!.message).toContain("maybe written by hand");
    // Elsewhere, an unlisted file is simply not ours: left alone.
    const elsewhere = new Map([...filesOf(base), ["notes/readme.md", "hello\n"]]);
    const { plan: q } = planAgainst(desired([]), elsewhere);
    expect(q.changes.map((c) => c.path)).not.toContain("notes/readme.md");
  });

  it("looks for foreign files at any depth inside its unit directories, and only there", () => {
    const inside = ["staging/payments-staging/api/notes.txt", "staging/payments-staging/api/manifests/extra/deep.yaml"];
    const outside = ["staging/payments-staging/api-v2/manifests/x.yaml", "staging/payments-staging/apiary.yaml", "staging/payments-staging/x.yaml", "api/manifests/x.yaml"];
    for (const path of inside) {
      const { plan: p, blobs } = planAgainst(base, new Map([...filesOf(base), [path, "kind: ConfigMap\n"]]));
      expect(p.valid, path).toBe(false);
      expect(blobs.has(path), path).toBe(true);
    }
    const files = new Map([...filesOf(base), ...outside.map((path): [string, string] => [path, "kind: ConfigMap\n"])]);
    const { plan: p, blobs } = planAgainst(base, files);
    expect(p.valid).toBe(true);
    expect(p.changes).toEqual([]);
    expect([...blobs.keys()]).toEqual([]);
  });

  it("adopts files annotated with its own source when the index is missing", () => {
    const files = filesOf(base);
    files.delete(base.index!.path);
    const edited = desired(units(["api", "worker"], () => service({ replicas: 4 })));
    const { plan: p } = planAgainst(edited, files);
    expect(p.valid).toBe(true);
    expect(p.changes.some((c) => c.path.endsWith("deployment.yaml") && c.action === "update")).toBe(true);
  });

  it("is invalid, with nothing to apply, when the manifest has errors", () => {
    const broken: DesiredInput = {
      ...base,
      diagnostics: [{ severity: "error", code: "unknown-field", message: "nope", file: "platform.yaml", line: 3, column: 5, path: "/x" }],
    };
    const tree = treeOf(empty);
    expect(blobsNeeded(broken, tree, SOURCE, CONFIG)).toEqual([]);
    const { plan: p } = planAgainst(broken, empty);
    expect(p).toMatchObject({ valid: false, changes: [], units: [], risks: [] });
  });

  it("refuses to plan over an ownership index it cannot read", () => {
    const files = new Map(filesOf(base));
    files.set(base.index!.path, "{ not: [an index");
    const { plan: p } = planAgainst(desired(units(["api"])), files);
    expect(p.valid).toBe(false);
    expect(p.diagnostics[0]!.code).toBe("ownership-index-unreadable");
  });

  it("has an id that depends on its inputs only", () => {
    const a = planAgainst(base, empty).plan;
    const b = planAgainst(desired(units(["api", "worker"])), empty).plan;
    expect(a.id).toMatch(/^[0-9a-f]{12}$/);
    expect(b.id).toBe(a.id);
    expect(planAgainst(base, filesOf(base)).plan.id).not.toBe(a.id);
    expect(planAgainst(base, empty, SOURCE, { version: "0.2.0" }).plan.id).not.toBe(a.id);
  });
});

describe("risks and summaries", () => {
  const before = desired([
    unit("api", "production", service({ ingress: { host: "api.example.com", path: "/" }, autoscaling: { min: 2, max: 10 }, dependencies: { db: { type: "postgres", class: "small" } } })),
  ]);

  it("flags host changes, dependency removal and scale to zero", () => {
    const after = desired([unit("api", "production", service({ replicas: 0, ingress: { host: "api2.example.com", path: "/" } }))]);
    const { plan: p } = planAgainst(after, filesOf(before));
    expect(p.risks.map((r) => r.kind)).toEqual(["production", "dependency-removal", "host-change", "scale-to-zero"]);
    expect(p.units[0]!.summary).toEqual([
      "replicas 2 → 0",
      "autoscaling removed (was 2–10)",
      "host api.example.com → api2.example.com",
      "dependency db removed (postgres/small)",
    ]);
  });

  it("describes autoscaling, secrets and digests in words", () => {
    const a = service({ autoscaling: { min: 2, max: 10 }, secrets: { STRIPE_KEY: { key: "payments/stripe" } }, image: "ghcr.io/acme/w@sha256:aaaaaaaaaaaaaaaaaaaa" });
    const b = service({ autoscaling: { min: 3, max: 10 }, secrets: {}, image: "ghcr.io/acme/w@sha256:bbbbbbbbbbbbbbbbbbbb" });
    const { plan: p } = planAgainst(desired([unit("w", "staging", b)]), filesOf(desired([unit("w", "staging", a)])));
    expect(p.units[0]!.summary).toEqual(["image digest sha256:aaaaaaaaaaaa → sha256:bbbbbbbbbbbb", "autoscaling 2–10 → 3–10", "secret STRIPE_KEY removed"]);
  });
});

describe("ownership index", () => {
  it("round-trips, holds env values only as digests and survives hostile env names", () => {
    const env: Record<string, string> = { LOG_LEVEL: "info", DATABASE_URL: "${dependencies.db.url}", LITERAL: "$${not.a.placeholder}" };
    Object.defineProperty(env, "__proto__", { value: "x", enumerable: true, configurable: true, writable: true });
    const list = [unit("api", "staging", service({ env, secrets: { STRIPE_KEY: { key: "payments/stripe", property: "api-key" } } }))];
    const d = desired(list);
    const index = parseIndex(d.index!.content);
    expect(formatIndex(index)).toBe(d.index!.content);
    const state = index.units[0]!.state!;
    expect(Object.keys(state.env)).toEqual(["DATABASE_URL", "LITERAL", "LOG_LEVEL", "__proto__"]);
    expect(state.env.DATABASE_URL).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(state.env.LITERAL).not.toBe(state.env.DATABASE_URL);
    expect(d.index!.content).not.toContain("info");
    expect(d.index!.content).not.toContain("dependencies.db.url");
    expect(state.secrets).toEqual({ STRIPE_KEY: "payments/stripe#api-key" });
    expect(Object.getPrototypeOf(state.env)).toBe(Object.prototype);
    expect(d.index!.content).toMatchInlineSnapshot(`
      "# Files in this repository owned by acme/payments, written by Paved on every apply.
      # Paved deletes only files listed here; do not edit by hand.
      apiVersion: paved.dev/v1
      kind: SourceIndex
      source: acme/payments
      units:
        - environment: staging
          namespace: payments-staging
          service: api
          files:
            - staging/payments-staging/api/application.yaml
            - staging/payments-staging/api/manifests/deployment.yaml
          state:
            image: ghcr.io/acme/api:1.4.1
            replicas: 2
            cpu: 100m
            memory: 128Mi
            env:
              DATABASE_URL: sha256:52c551b5a504
              LITERAL: sha256:7c170481de25
              LOG_LEVEL: sha256:06271baf4953
              __proto__: sha256:2d711642b726
            secrets:
              STRIPE_KEY: payments/stripe#api-key
            dependencies: {}
      catalog:
        - catalog/payments/api.yaml
      "
    `);
  });

  it("is written per source under .paved/sources, lower-cased", () => {
    const d = desired([unit("api", "staging")], { repository: "Acme/Payments" });
    expect(d.index!.path).toBe(".paved/sources/acme/payments.yaml");
    expect(buildIndex([], { files: new Map(), units: [], owned: [], shared: [], diagnostics: [] }, SOURCE, CONFIG)).toBeNull();
  });
});
