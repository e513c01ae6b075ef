import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, git, isolateGit, paved, tempDir, exampleWorkspace } from "./support/cli-world.js";

beforeAll(isolateGit);
afterEach(cleanUp);

/** A workspace: an application repository (manifest, config) and an empty GitOps clone. */
function workspace(): { app: string; gitops: string } {
  const root = tempDir("paved-cli-");
  const { app, gitops } = exampleWorkspace(root);
  git(app, "init", "-q", "-b", "main");
  git(app, "remote", "add", "origin", "git@github.com:acme/payments.git");
  git(gitops, "init", "-q", "-b", "main");
  return { app, gitops };
}

interface JsonPlan {
  valid: boolean;
  id: string;
  diagnostics: { code: string; message: string; severity: string }[];
  changes: { path: string; action: string; unit?: { environment: string; service: string } }[];
  units: { environment: string; service: string; action: string; summary: string[] }[];
}

async function jsonPlan(app: string, gitops: string, ...extra: string[]): Promise<{ code: number; plan: JsonPlan }> {
  const result = await paved(app, "plan", "--gitops", gitops, "--format", "json", ...extra);
  return { code: result.code, plan: JSON.parse(result.stdout) as JsonPlan };
}

describe("paved plan and apply", () => {
  it("plans, applies, and then has nothing to do", async () => {
    const { app, gitops } = workspace();
    const first = await jsonPlan(app, gitops);
    expect(first.code).toBe(0);
    expect(first.plan.valid).toBe(true);
    expect(Object.keys(first.plan)).toEqual(["valid", "id", "diagnostics", "changes", "units"]);
    expect(first.plan.changes.every((c) => c.action === "create")).toBe(true);
    const paths = first.plan.changes.map((c) => c.path);
    expect(paths).toContain(".paved/sources/acme/payments.yaml");
    expect(paths).toContain("staging/payments-staging/api/application.yaml");
    expect(first.plan.changes.find((c) => c.path === "staging/payments-staging/api/application.yaml")!.unit).toEqual({ environment: "staging", service: "api" });
    expect(first.plan.units.map((u) => `${u.environment}/${u.service}`)).toEqual(["staging/api", "staging/worker", "production/api"]);

    const applied = await paved(app, "apply", "--gitops", gitops);
    expect(applied.code).toBe(0);
    const head = git(gitops, "rev-parse", "HEAD");
    expect(applied.stdout).toBe(`${head}\n`);
    expect(git(gitops, "ls-files").split("\n").sort()).toEqual([...paths].sort());
    expect(git(gitops, "log", "-1", "--format=%s")).toBe("paved: acme/payments");

    const again = await paved(app, "apply", "--gitops", gitops);
    expect(again).toMatchObject({ code: 0, stdout: "no changes\n" });
    expect(git(gitops, "rev-parse", "HEAD")).toBe(head);
    const after = await jsonPlan(app, gitops);
    expect(after.plan.changes).toEqual([]);
  });

  it("an edit plans only its unit's files; removing a service deletes exactly its files", async () => {
    const { app, gitops } = workspace();
    await paved(app, "apply", "--gitops", gitops);
    const manifest = join(app, "platform.yaml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));
    const edit = await jsonPlan(app, gitops);
    const touched = new Set(edit.plan.changes.map((c) => (c.unit ? `${c.unit.environment}/${c.unit.service}` : c.path)));
    expect([...touched].sort()).toEqual([".paved/sources/acme/payments.yaml", "production/api", "staging/api"]);
    expect(edit.plan.units.find((u) => u.environment === "staging" && u.service === "api")!.summary).toEqual(["env LOG_LEVEL changed"]);

    const before = git(gitops, "ls-files").split("\n");
    const text = readFileSync(manifest, "utf8");
    writeFileSync(manifest, text.replace(/ {2}worker:\n(?: {4}.*\n)+/, "").replace("      worker: { enabled: false }\n", ""));
    const removal = await paved(app, "apply", "--gitops", gitops);
    expect(removal.code).toBe(0);
    const after = git(gitops, "ls-files").split("\n");
    const removed = before.filter((p) => !after.includes(p));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((p) => p.includes("/worker"))).toBe(true);
    expect(after.some((p) => p.includes("/worker"))).toBe(false);
    expect(removal.stderr).toMatch(/staging:\n(  .*\n)*  worker +delete/);
  });

  it("refuses a service another repository deploys, naming it, and commits nothing", async () => {
    const { app, gitops } = workspace();
    expect((await paved(app, "apply", "--gitops", gitops, "--source", "acme/legacy")).code).toBe(0);
    const head = git(gitops, "rev-parse", "HEAD");
    const result = await paved(app, "apply", "--gitops", gitops);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/platform\.yaml:7:3: error ownership-conflict: staging\/payments-staging\/api in the GitOps repository is already taken by acme\/legacy/);
    expect(git(gitops, "rev-parse", "HEAD")).toBe(head);
    const planned = await jsonPlan(app, gitops);
    expect(planned.code).toBe(1);
    expect(planned.plan.valid).toBe(false);
  });

  it("exits 1 on an invalid manifest, 2 on usage and work-tree problems", async () => {
    const { app, gitops } = workspace();
    writeFileSync(join(app, "broken.yaml"), "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1\n    replica: 2\n");
    const invalid = await jsonPlan(app, gitops, "broken.yaml");
    expect(invalid.code).toBe(1);
    expect(invalid.plan.valid).toBe(false);
    expect(invalid.plan.diagnostics[0]!.message).toContain("replicas");
    expect((await paved(app, "apply", "--gitops", gitops, "broken.yaml")).code).toBe(1);
    expect(git(gitops, "rev-list", "--all", "--count")).toBe("0");

    expect(await paved(app, "plan")).toMatchObject({ code: 2, stderr: expect.stringContaining("`--gitops DIR` is required") });
    expect((await paved(app, "plan", "--gitops", join(app, "nope"))).code).toBe(2);
    expect((await paved(app, "plan", "--gitops", gitops, "--source", "../evil")).code).toBe(2);

    writeFileSync(join(gitops, "notes.txt"), "draft\n");
    const dirty = await paved(app, "apply", "--gitops", gitops);
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain("uncommitted changes (notes.txt)");
  });

  it("prints the pull-request comment with --format markdown, and readable text by default", async () => {
    const { app, gitops } = workspace();
    const markdown = await paved(app, "plan", "--gitops", gitops, "--format", "markdown");
    expect(markdown.stdout.startsWith("<!-- paved:plan -->\n## ✅ Paved: valid: ")).toBe(true);
    const text = await paved(app, "plan", "--gitops", gitops);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("production:\n  api  create");
    expect(text.stdout).toContain("Risks:\n  ⚠ production");
  });
});
