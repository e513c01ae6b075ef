import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { load } from "js-yaml";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import { gitRunner } from "../src/gitops/local.js";
import { localPortalFacts } from "../src/gitops/portal-local.js";
import { overview } from "../src/portal/view.js";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../src/cli/main.js";
import { loadConfig } from "../src/config/load.js";
import { previewNamespaceProblems } from "../src/config/preview-namespaces.js";
import type { ResolvedConfig } from "../src/config/types.js";
import { previewProject, previewWrites } from "../src/previews/changes.js";
import { formatRecord, parseRecord, type PreviewRecord } from "../src/previews/record.js";
import { renderPreview } from "../src/previews/render.js";
import { deploymentTarget, unitDirFromLabels } from "../src/feedback/unit-dir.js";
import { defaultTemplates } from "../src/render/index.js";

const BASE = `gitops: { repository: acme/gitops }
environments:
  staging: { cluster: https://kubernetes.default.svc, namespace: "{owner}-{env}", autoSync: true }
  production: { cluster: https://kubernetes.default.svc, namespace: "{owner}-prod" }
`;

function config(previews: string): { config?: ResolvedConfig; messages: string[] } {
  const loaded = loadConfig(`${BASE}previews: ${previews}\n`, ".github/paved.yml");
  return { ...(loaded.config ? { config: loaded.config } : {}), messages: loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`) };
}

describe("the previews block", () => {
  it("`previews: { from: staging }` is enough", () => {
    const { config: c, messages } = config("{ from: staging }");
    expect(messages).toEqual([]);
    expect(c!.previews).toEqual({
      from: "staging",
      namespace: "{owner}-pr-{number}",
      cluster: "https://kubernetes.default.svc",
      ttl: "7d",
      ttlMs: 7 * 86_400_000,
      maxPerRepository: 3,
      maxPerOrg: 20,
      label: "paved:preview",
      keepLabel: "paved:keep",
    });
  });

  it("refuses, located, a preview pattern that can produce an environment's namespace", () => {
    // Team `a-pr-1`'s staging namespace would be team `a`'s preview of pull request 1.
    const { messages } = config('{ from: staging, namespace: "{owner}-pr-{number}-staging" }');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^5:\d+ previews .* can produce namespace `[a-z]-pr-1-staging`/);
  });

  it("accepts a pattern no environment can produce, and refuses ambiguous ones", () => {
    const previews = (namespace: string) => ({ from: "staging", namespace, cluster: "https://kubernetes.default.svc", ttl: "7d", ttlMs: 1, maxPerRepository: 1, maxPerOrg: 1, label: "l", keepLabel: "k" });
    const envs = [{ name: "staging", namespace: "{owner}-{env}", cluster: "https://kubernetes.default.svc", autoSync: true, production: false, mode: "direct" as const }];
    expect(previewNamespaceProblems(previews("pr-{number}-{owner}"), envs)[0]).toContain("after");
    expect(previewNamespaceProblems(previews("{owner}{number}"), envs)[0]).toContain("fixed part");
    expect(previewNamespaceProblems(previews("{owner}-pr-{number}"), envs)).toEqual([]);
    // `{owner}-staging` with owner `a-pr-1`... ends in `staging`, a preview ends in its number: never equal.
    expect(previewNamespaceProblems(previews("{owner}-pr-{number}-staging"), envs)[0]).toMatch(/`[a-z]-pr-1-staging`/);
  });

  it("refuses an environment named like a preview", () => {
    const loaded = loadConfig(`${BASE.replace("production:", "pr-1:")}previews: { from: staging }\n`, "paved.yml");
    expect(loaded.diagnostics.map((d) => d.code)).toContain("reserved-environment");
  });
});

const MANIFEST = `apiVersion: paved.dev/v1
owner: payments
services:
  api:
    image: ghcr.io/acme/api:1.0.0
    port: 8080
    ingress: { host: api.acme.io }
`;

function preview(number: number, manifest = MANIFEST, c = config("{ from: staging, namespace: \"{owner}-{number}-p\" }".replace("{owner}-{number}-p", "{owner}-pr-{number}")).config!) {
  return renderPreview({ manifestText: manifest, manifestFile: "platform.yaml", config: c, source: { repository: "acme/payments", id: "42", sha: "a".repeat(40) }, number, templates: defaultTemplates(), now: new Date("2024-01-01T00:00:00Z"), keep: false });
}

describe("rendering a preview", () => {
  it("labels each Application so that an Argo CD event about it leads back to its own directory and deployment, and nowhere else", () => {
    for (const number of [1, 77, 9_999_999]) {
      const c = config("{ from: staging }").config!;
      const rendered = preview(number, MANIFEST, c);
      if (!rendered.ok) throw new Error(rendered.reason);
      expect(rendered.units.length).toBeGreaterThan(0);
      for (const unit of rendered.units) {
        const app = load(rendered.files.get(`${unit.dir}/application.yaml`)!) as { metadata: { name: string; labels: Record<string, string> } };
        expect(app.metadata.name).toBe(unit.application);
        expect(unitDirFromLabels(app.metadata.labels, c)).toEqual({ dir: unit.dir, history: rendered.dir });
        expect(deploymentTarget(unit, c)).toEqual({ environment: `preview/pr-${number}`, autoSync: true });
        // Labels that disagree with each other, or carry a path, name no directory.
        const labels = app.metadata.labels;
        for (const forged of [{ "paved.dev/preview": String(number + 1) }, { "paved.dev/preview-repository": "../42" }, { "paved.dev/preview": "0" }, { "paved.dev/owner": "../payments" }]) {
          expect(unitDirFromLabels({ ...labels, ...forged }, c)).toBeNull();
        }
        expect(unitDirFromLabels(labels, { ...c, previews: undefined })).toBeNull();
      }
    }
  });

  it("names stay within Kubernetes limits for any pull request number, or the preview is refused saying why", () => {
    const small = preview(1);
    expect(small.ok).toBe(true);
    // owner 30 + service 20: `<owner>.<service>.production` fits in 63, `<owner>.<service>.pr-9999999999` does not.
    const long = MANIFEST.replace("owner: payments", `owner: ${"p".repeat(30)}`).replace("  api:", `  ${"a".repeat(20)}:`);
    expect(preview(1, long).ok).toBe(true);
    const huge = preview(9_999_999_999, long);
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.reason + huge.diagnostics.map((d) => d.message).join()).toMatch(/63|too long|characters/);
  });

  it("a policy can match the preview environment", () => {
    const c = loadConfig(`${BASE}previews: { from: staging }\npolicies:\n  - id: no-ingress-in-previews\n    description: previews are internal\n    match: { environments: [preview] }\n    assert: { not: { required: [ingress] } }\n`, "paved.yml");
    expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const result = preview(3, MANIFEST, c.config!);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics.map((d) => d.code)).toContain("no-ingress-in-previews");
  });

  it("a render error in a preview is located at the manifest line that causes it, not at 1:1", () => {
    // Two services on one host and path: the manifest check has no rule for it, the render refuses it.
    const manifest = `${MANIFEST}  web:
    image: ghcr.io/acme/web:1.0.0
    port: 8080
    ingress:
      host: api.acme.io
`;
    const result = preview(3, manifest);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe("the preview does not render");
    const conflict = result.diagnostics.find((d) => d.code === "ingress-conflict");
    expect(conflict).toMatchObject({ file: "platform.yaml", line: 12, column: 7, path: "/services/web/ingress/host" });
    expect(conflict!.message).toMatch(/^ingress pr-3-api\.acme\.io\/ on cluster .* is already routed by api in pr-3/);
  });

  it("the manifest can switch a service off in previews", () => {
    const result = preview(3, `${MANIFEST}environments:\n  preview:\n    services:\n      api: { enabled: false }\n`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("no service");
  });

  it("the manifest's overrides of `from` apply beneath its `preview` overrides", () => {
    const manifest = `${MANIFEST}    env: { LEVEL: base, REGION: base }\nenvironments:\n  staging:\n    services:\n      api: { replicas: 4, env: { LEVEL: staging, REGION: staging } }\n  preview:\n    services:\n      api: { env: { LEVEL: preview } }\n`;
    const result = preview(8, manifest);
    if (!result.ok) throw new Error(`${result.reason}: ${result.diagnostics.map((d) => d.message).join("; ")}`);
    const deployment = load(result.files.get("previews/payments/42-8/pr-8/payments-pr-8/api/manifests/deployment.yaml")!) as any;
    expect(deployment.spec.replicas).toBe(4);
    const env = Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ LEVEL: "preview", REGION: "staging" });
    // Staging's switch-off switches previews off too, unless `preview` switches the service back on.
    const off = preview(8, `${MANIFEST}environments:\n  staging:\n    services:\n      api: { enabled: false }\n`);
    expect(off.ok).toBe(false);
    const back = preview(8, `${MANIFEST}environments:\n  staging:\n    services:\n      api: { enabled: false }\n  preview:\n    services:\n      api: { enabled: true }\n`);
    expect(back.ok).toBe(true);
  });

  it("a policy failing on a field set by `from`'s override points at that override's line", () => {
    const c = loadConfig(`${BASE}previews: { from: staging }\npolicies:\n  - id: preview-replicas\n    description: previews run one replica\n    match: { environments: [preview] }\n    assert: { properties: { replicas: { maximum: 1 } } }\n`, "paved.yml");
    const manifest = `${MANIFEST}environments:\n  staging:\n    services:\n      api: { replicas: 4 }\n`;
    const result = preview(8, manifest, c.config!);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.diagnostics.find((d) => d.code === "preview-replicas")!;
    expect(manifest.split("\n")[problem.line - 1]).toContain("replicas: 4");
  });

  it("a record whose time a YAML tool left unquoted still reads: it is not mistaken for a hand-made folder and left forever", () => {
    const record: PreviewRecord = { repository: "acme/payments", repositoryId: "42", number: 3, owner: "payments", namespace: "payments-pr-3", headSha: "a".repeat(40), pushedAt: "2024-01-01T00:00:00.000Z", keep: false };
    const unquoted = formatRecord(record).replace('pushedAt: "2024-01-01T00:00:00.000Z"', "pushedAt: 2024-01-01T00:00:00.000Z");
    expect(unquoted).toContain("pushedAt: 2024-01-01T00:00:00.000Z\n");
    expect(parseRecord(unquoted)).toEqual(record);
  });

  it("the team's preview project reaches only its previews' namespaces: never a glob, never another team's or an environment's", () => {
    const c = config("{ from: staging }").config!;
    const record = (owner: string, number: number): PreviewRecord => ({ repository: `acme/${owner}`, repositoryId: "1", number, owner, namespace: `${owner}-pr-${number}`, headSha: "a".repeat(40), pushedAt: "2024-01-01T00:00:00Z", keep: false });
    const project = load(previewProject("payments", [record("payments", 4), record("payments", 7)], c)) as any;
    expect(project.metadata.name).toBe("payments.previews");
    expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(["payments-pr-4", "payments-pr-7"]);
    expect(project.spec.clusterResourceWhitelist).toEqual([
      { group: "", kind: "Namespace", name: "payments-pr-4" },
      { group: "", kind: "Namespace", name: "payments-pr-7" },
    ]);
    expect(JSON.stringify(project)).not.toContain("*");
    // A write for one team's preview rewrites only that team's project.
    const records = new Map([["previews/billing/2-1/preview.yaml", formatRecord(record("billing", 1))]]);
    const rendered = preview(5);
    if (!rendered.ok) throw new Error(rendered.reason);
    const writes = previewWrites({ treeId: "x", tree: new Map() }, records, { write: [{ dir: rendered.dir, files: rendered.files }], remove: [] }, c);
    const billing = writes.find((w) => w.path === "previews/billing/project.yaml")!;
    expect((load(billing.content!) as any).spec.destinations).toEqual([{ server: "https://kubernetes.default.svc", namespace: "billing-pr-1" }]);
    const payments = writes.find((w) => w.path === "previews/payments/project.yaml")!;
    expect((load(payments.content!) as any).spec.destinations).toEqual([{ server: "https://kubernetes.default.svc", namespace: "payments-pr-5" }]);
  });

  it("a hostile branch name or title cannot reach a name or a path: only the repository id, number and schema-checked slugs do", () => {
    const result = preview(12);
    if (!result.ok) throw new Error(result.reason);
    for (const path of result.files.keys()) expect(path).toMatch(/^previews\/payments\/42-12\/[a-z0-9./-]+$/);
  });
});

describe("paved previews prune", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function git(...args: string[]): string {
    return execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
  }

  function write(path: string, content: string): void {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }

  it("removes, in one commit on real git, the previews past their TTL without the keep label, and nothing else", async () => {
    dir = mkdtempSync(join(tmpdir(), "paved-prune-"));
    git("init", "-q", "-b", "main");
    write(".github/paved.yml", `${BASE}previews: { from: staging, ttl: 2d }\n`);
    const record = (number: number, pushedAt: string, keep: boolean): PreviewRecord => ({ repository: "acme/payments", repositoryId: "42", number, owner: "payments", namespace: `payments-pr-${number}`, headSha: "a".repeat(40), pushedAt, keep });
    write("previews/payments/42-1/preview.yaml", formatRecord(record(1, "2024-01-01T00:00:00Z", false)));
    write("previews/payments/42-1/pr-1/payments-pr-1/api/application.yaml", "kind: Application\n");
    write("previews/payments/42-2/preview.yaml", formatRecord(record(2, "2024-01-01T00:00:00Z", true)));
    write("previews/payments/42-3/preview.yaml", formatRecord(record(3, "2024-01-04T00:00:00Z", false)));
    write("previews/payments/project.yaml", "old\n");
    write("staging/payments-staging/api/application.yaml", "kind: Application\n");
    git("add", "-A");
    git("commit", "-qm", "seed");

    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) }, cwd: dir, isTTY: false };
    expect(await run(["previews", "prune", "--gitops", ".", "--config", ".github/paved.yml", "--now", "2024-01-05T00:00:00Z"], io)).toBe(0);
    expect(out.join("")).toContain("acme/payments#1");
    expect(existsSync(join(dir, "previews/payments/42-1"))).toBe(false);
    expect(existsSync(join(dir, "previews/payments/42-2/preview.yaml"))).toBe(true); // kept
    expect(existsSync(join(dir, "previews/payments/42-3/preview.yaml"))).toBe(true); // pushed within the TTL
    expect(existsSync(join(dir, "staging/payments-staging/api/application.yaml"))).toBe(true);
    const project = load(readFileSync(join(dir, "previews/payments/project.yaml"), "utf8")) as any;
    expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(["payments-pr-2", "payments-pr-3"]);
    expect(git("rev-list", "--count", "HEAD").trim()).toBe("2");
    expect(git("status", "--porcelain").trim()).toBe("");

    // Again: nothing to do, no commit.
    expect(await run(["previews", "prune", "--gitops", ".", "--config", ".github/paved.yml", "--now", "2024-01-05T00:00:00Z"], io)).toBe(0);
    expect(git("rev-list", "--count", "HEAD").trim()).toBe("2");

    // `paved portal` over the same clone lists the two previews left, newest push first, and not the pruned one.
    const facts = await localPortalFacts(gitRunner(dir), [], DEFAULT_CONFIG, dir);
    expect(facts.previews.map((p) => [p.repository, p.pullRequest, p.namespace])).toEqual([
      ["acme/payments", 2, "payments-pr-2"],
      ["acme/payments", 3, "payments-pr-3"],
    ]);
    expect(overview(facts).previews.map((p) => p.pullRequest)).toEqual([3, 2]);
  });
});
