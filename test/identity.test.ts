/**
 * Object identities are unique across sources (issue 14.1). For each class, two sources that would
 * have collided: either the names now differ by construction (both apply, the tree holds both), or
 * the second source's plan is refused with a located error naming the owner, and the tree is
 * unchanged. Then the CLI on real git, and the migration of a tree rendered with the old names.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import type { ResolvedConfig } from "../src/config/types.js";
import type { Source } from "../src/core/files.js";
import { applyPlanToTree } from "../src/plan/apply-tree.js";
import { blobsNeeded } from "../src/plan/needed.js";
import { desiredState } from "../src/flows/pipeline.js";
import type { DesiredState, Blobs, Plan } from "../src/plan/types.js";
import { plan } from "../src/plan/plan.js";
import { defaultTemplates } from "../src/render/index.js";
import { treeOf } from "./plan-fixtures.js";
import { cleanUp, git, isolateGit, paved, tempDir } from "./support/cli-world.js";

const CONFIG_TEXT = `gitops: { repository: acme/gitops }
environments:
  staging: { cluster: https://kubernetes.default.svc, namespace: "{owner}-staging", domain: staging.acme.io }
  production: { cluster: https://prod.acme.io, namespace: "{owner}", production: true }
dependencies:
  postgres: { apiVersion: database.acme.io/v1alpha1, kind: PostgreSQLInstance, outputs: [url, password] }
`;
const config: ResolvedConfig = loadConfig(CONFIG_TEXT, ".github/paved.yml").config!;
const TEMPLATES = defaultTemplates();

function manifest(owner: string, services: Record<string, string>): string {
  const lines = ["apiVersion: paved.dev/v1", `owner: ${owner}`, "services:"];
  for (const [name, body] of Object.entries(services)) {
    lines.push(`  ${name}:`, "    image: ghcr.io/acme/app@sha256:" + "b".repeat(64), ...body.split("\n").filter(Boolean).map((l) => `    ${l}`));
  }
  return lines.join("\n") + "\n";
}

function state(text: string | null, repository: string): { desired: DesiredState; source: Source } {
  const source = { repository, sha: "c".repeat(40) };
  return { desired: desiredState(text, "platform.yaml", config, source, TEMPLATES), source };
}

/** Plans one source against `files` the way a shell does (fetch what blobsNeeded asks for). */
function planOn(files: ReadonlyMap<string, string>, text: string | null, repository: string): Plan {
  const { desired, source } = state(text, repository);
  const tree = treeOf(files);
  const blobs: Blobs = new Map();
  for (let round = 0; round < 4; round++) {
    const needed = blobsNeeded(desired, tree, source, config, blobs);
    if (needed.length === 0) break;
    for (const path of needed) blobs.set(path, files.get(path)!);
  }
  return plan({ ...desired, tree, blobs, source, config, version: "0.1.0" });
}

/** Applies one source; a refused plan leaves the tree as it was. */
function apply(files: Map<string, string>, text: string | null, repository: string): { plan: Plan; files: Map<string, string> } {
  const result = planOn(files, text, repository);
  return { plan: result, files: result.valid ? applyPlanToTree(files, result) : files };
}

function errors(p: Plan) {
  return p.diagnostics.filter((d) => d.severity === "error");
}

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

function objects(files: ReadonlyMap<string, string>, suffix: string): K8sObject[] {
  return [...files]
    .filter(([path]) => path.endsWith(suffix))
    .flatMap(([, content]) => yaml.loadAll(content) as K8sObject[]);
}

describe("names that used to collide now differ by construction: both sources apply", () => {
  it("Argo CD Applications: payments/api-gateway and payments-api/gateway", () => {
    let files = new Map<string, string>();
    const first = apply(files, manifest("payments", { "api-gateway": "" }), "acme/payments");
    const second = apply(first.files, manifest("payments-api", { gateway: "" }), "acme/payments-api");
    expect(errors(first.plan)).toEqual([]);
    expect(errors(second.plan)).toEqual([]);
    files = second.files;
    const apps = objects(files, "application.yaml").filter((o) => o.kind === "Application");
    const production = apps.filter((a) => a.metadata.name.endsWith(".production")).map((a) => [a.metadata.name, (a.spec!.project as string), (a.spec!.destination as { namespace: string }).namespace]);
    expect(production.sort()).toEqual([
      ["payments-api.gateway.production", "payments-api", "payments-api"],
      ["payments.api-gateway.production", "payments", "payments"],
    ]);
    expect(new Set(apps.map((a) => a.metadata.name)).size).toBe(apps.length);
    // Two AppProjects, each fenced to its own exact namespaces, with Namespace whitelisted by name.
    const projects = objects(files, ".yaml").filter((o) => o.kind === "AppProject");
    expect(projects.map((p) => [p.metadata.name, p.spec!.destinations, p.spec!.clusterResourceWhitelist])).toEqual([
      [
        "payments",
        [
          { server: "https://kubernetes.default.svc", namespace: "payments-staging" },
          { server: "https://prod.acme.io", namespace: "payments" },
        ],
        [
          { group: "", kind: "Namespace", name: "payments" },
          { group: "", kind: "Namespace", name: "payments-staging" },
        ],
      ],
      [
        "payments-api",
        [
          { server: "https://kubernetes.default.svc", namespace: "payments-api-staging" },
          { server: "https://prod.acme.io", namespace: "payments-api" },
        ],
        [
          { group: "", kind: "Namespace", name: "payments-api" },
          { group: "", kind: "Namespace", name: "payments-api-staging" },
        ],
      ],
    ]);
  });

  it("claims and connection Secrets: pay-api + db and pay + api-db in one namespace, from two repositories of one team", () => {
    const first = apply(new Map(), manifest("pay", { "pay-api": "dependencies: { db: { type: postgres } }\nenv: { DB_PASSWORD: \"${dependencies.db.password}\" }" }), "acme/pay-api");
    const second = apply(first.files, manifest("pay", { pay: "dependencies: { api-db: { type: postgres } }\nenv: { DB_PASSWORD: \"${dependencies.api-db.password}\" }" }), "acme/pay");
    expect(errors(first.plan)).toEqual([]);
    expect(errors(second.plan)).toEqual([]);
    const claims = objects(second.files, ".yaml").filter((o) => o.kind === "PostgreSQLInstance" && o.metadata.namespace === "pay");
    expect(claims.map((c) => [c.metadata.name, (c.spec!.writeConnectionSecretToRef as { name: string }).name]).sort()).toEqual([
      ["pay-api.db", "pay-api.db-conn"],
      ["pay.api-db", "pay.api-db-conn"],
    ]);
    // Each service reads its own database's password, not the other's.
    const passwordOf = (path: string) => {
      const deployment = yaml.load(second.files.get(path)!) as { spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; valueFrom?: { secretKeyRef: { name: string } } }> }> } } } };
      return deployment.spec.template.spec.containers[0]!.env.find((e) => e.name === "DB_PASSWORD")!.valueFrom!.secretKeyRef.name;
    };
    expect(passwordOf("production/pay/pay/manifests/deployment.yaml")).toBe("pay.api-db-conn");
    expect(passwordOf("production/pay/pay-api/manifests/deployment.yaml")).toBe("pay-api.db-conn");
    // And their Backstage Resources differ too.
    const resources = objects(second.files, ".yaml").filter((o) => o.kind === "Resource").map((r) => `${r.metadata.namespace}/${r.metadata.name}`);
    expect(resources.sort()).toEqual(["pay/pay-api.db", "pay/pay.api-db"]);
  });

  it("Backstage entities of two teams' `api` live in the teams' namespaces", () => {
    const first = apply(new Map(), manifest("payments", { api: "" }), "acme/payments");
    const second = apply(first.files, manifest("search", { api: "" }), "acme/search");
    expect(errors(second.plan)).toEqual([]);
    const components = objects(second.files, ".yaml").filter((o) => o.kind === "Component").map((c) => `component:${c.metadata.namespace}/${c.metadata.name}`);
    expect(components.sort()).toEqual(["component:payments/api", "component:search/api"]);
  });
});

describe("ingress host + path per cluster: the second source is refused, naming the owner", () => {
  const ingress = (host: string, path = "/") => `port: 8080\ningress: { host: ${host}, path: "${path}" }`;

  it("another team's source that routes the same host and path on the same cluster", () => {
    const first = apply(new Map(), manifest("payments", { api: ingress("api.acme.io") }), "acme/payments");
    expect(errors(first.plan)).toEqual([]);
    // `/` and `/` — and a trailing slash does not make another route.
    for (const path of ["/", "//"]) {
      const text = manifest("search", { web: ingress("api.acme.io", path) });
      const second = apply(first.files, text, "acme/search");
      const [error, ...more] = errors(second.plan);
      expect(more.map((d) => d.code)).toEqual(["ingress-conflict"]); // staging and production: two clusters, two claims
      expect(error).toMatchObject({ code: "ingress-conflict", file: "platform.yaml", line: 7, column: 16 });
      expect(error!.message).toContain("ingress api.acme.io/ on cluster https://kubernetes.default.svc (web in staging) is already routed by acme/payments");
      expect(second.files).toBe(first.files); // nothing applied
    }
  });

  it("another path, or the same host on another cluster, is not a conflict; a freed host can be taken", () => {
    const first = apply(new Map(), manifest("payments", { api: ingress("api.acme.io", "/pay") }), "acme/payments");
    expect(errors(apply(first.files, manifest("search", { web: ingress("api.acme.io", "/search") }), "acme/search").plan)).toEqual([]);
    // The owner drops its ingress: its claims are deleted with it, and the host is free.
    const dropped = apply(first.files, manifest("payments", { api: "port: 8080" }), "acme/payments");
    expect([...dropped.files.keys()].filter((p) => p.includes(".paved/ingress/"))).toEqual([]);
    expect(errors(apply(dropped.files, manifest("search", { web: ingress("api.acme.io", "/pay/") }), "acme/search").plan)).toEqual([]);
  });

  it("one manifest whose staging and production share a cluster and a host is refused at render", () => {
    const shared = { ...config, environments: config.environments.map((e) => ({ ...e, cluster: "https://kubernetes.default.svc" })) };
    const { desired } = { desired: desiredState(manifest("payments", { api: ingress("api.acme.io") }), "platform.yaml", shared, { repository: "acme/payments" }, TEMPLATES) };
    const problems = desired.rendered.diagnostics.filter((d) => d.code === "ingress-conflict");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 7, column: 16 });
    expect(problems[0]!.message).toContain("is already routed by api in staging");
  });
});

describe("a tree rendered with the old names plans cleanly", () => {
  it("renamed objects are updates of the same files, claims are created, in one plan; applying reaches the new state", () => {
    const text = manifest("payments", { api: "port: 8080\ningress: { host: api.acme.io }\ndependencies: { db: { type: postgres } }" });
    const current = apply(new Map(), text, "acme/payments").files;
    // The previous scheme: dashes everywhere, no ingress claims in the tree or the index.
    const old = new Map<string, string>();
    for (const [path, content] of current) {
      if (path.includes(".paved/ingress/")) continue;
      old.set(path, content.replace(/payments\.api\.(staging|production)/g, "payments-api-$1").replace(/api\.db/g, "api-db").replace(/\n[^\n]*\.paved\/ingress\/[^\n]*/g, ""));
    }
    expect([...old.values()].join("\n")).not.toMatch(/payments\.api\.|\.paved\/ingress/);
    const migration = planOn(old, text, "acme/payments");
    expect(errors(migration)).toEqual([]);
    const actions = migration.changes.map((c) => `${c.action} ${c.path.replace(/[0-9a-f]{8,}/g, "#")}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        "create .paved/ingress/kubernetes.default.svc-#/api.acme.io/#.yaml",
        "create .paved/ingress/prod.acme.io-#/api.acme.io/#.yaml",
        "update production/payments/api/application.yaml",
        "update production/payments/api/manifests/claim-db.yaml",
        "update .paved/sources/acme/payments.yaml",
      ]),
    );
    expect(migration.changes.filter((c) => c.action === "delete")).toEqual([]);
    // The reviewer is told that Crossplane sees a renamed claim as a deleted one.
    expect(migration.risks.filter((r) => r.kind === "claim-rename").map((r) => r.message)).toEqual([
      "the claim api-db of api in staging is renamed api.db: Crossplane deletes api-db and creates api.db, so its data is lost unless the composition's deletionPolicy is Orphan",
      "the claim api-db of api in production is renamed api.db: Crossplane deletes api-db and creates api.db, so its data is lost unless the composition's deletionPolicy is Orphan",
    ].sort());
    expect(applyPlanToTree(old, migration)).toEqual(current);
  });
});

// ---- the CLI on real git --------------------------------------------------------------------

beforeAll(isolateGit);
afterEach(cleanUp);

function appRepo(root: string, name: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, ".github"), { recursive: true });
  writeFileSync(join(dir, "platform.yaml"), text);
  writeFileSync(join(dir, ".github/paved.yml"), CONFIG_TEXT);
  return dir;
}

describe("paved apply on real git", () => {
  it("a second team's repository that routes a taken host is refused; the GitOps clone keeps one commit", async () => {
    const root = tempDir("paved-identity-");
    const gitops = join(root, "gitops");
    mkdirSync(gitops);
    git(gitops, "init", "-q", "-b", "main");
    const payments = appRepo(root, "payments", manifest("payments", { api: "port: 8080\ningress: { host: api.acme.io }" }));
    const search = appRepo(root, "search", manifest("search", { web: "port: 8080\ningress: { host: api.acme.io }" }));

    const first = await paved(payments, "apply", "platform.yaml", "--gitops", gitops, "--source", "acme/payments");
    expect(first.code, first.stderr).toBe(0);
    const head = git(gitops, "rev-parse", "HEAD");
    expect(git(gitops, "ls-files")).toContain(".paved/ingress/");

    const plan = await paved(search, "plan", "platform.yaml", "--gitops", gitops, "--source", "acme/search");
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(/platform\.yaml:7:16: error ingress-conflict: ingress api\.acme\.io\/ on cluster https:\/\/kubernetes\.default\.svc \(web in staging\) is already routed by acme\/payments/);
    const second = await paved(search, "apply", "platform.yaml", "--gitops", gitops, "--source", "acme/search");
    expect(second.code).toBe(1);
    expect(git(gitops, "rev-parse", "HEAD")).toBe(head);
    expect(git(gitops, "ls-files")).not.toContain("search");

    // The same team names that collided before both land, in one commit each.
    const api = appRepo(root, "pay-api", manifest("pay", { "pay-api": "dependencies: { db: { type: postgres } }" }));
    const pay = appRepo(root, "pay", manifest("pay", { pay: "dependencies: { api-db: { type: postgres } }" }));
    expect((await paved(api, "apply", "platform.yaml", "--gitops", gitops, "--source", "acme/pay-api")).code).toBe(0);
    expect((await paved(pay, "apply", "platform.yaml", "--gitops", gitops, "--source", "acme/pay")).code).toBe(0);
    const claim = (service: string, dep: string) => (yaml.load(readFileSync(join(gitops, `production/pay/${service}/manifests/claim-${dep}.yaml`), "utf8")) as K8sObject).metadata.name;
    expect([claim("pay-api", "db"), claim("pay", "api-db")]).toEqual(["pay-api.db", "pay.api-db"]);
    expect(git(gitops, "rev-list", "--count", "HEAD")).toBe("3");
  });
});
