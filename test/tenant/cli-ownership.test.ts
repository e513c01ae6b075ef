/**
 * Tenant isolation with the CLI on real git: `--source-id` is the identity ownership follows.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, git, gitopsWorkspace, isolateGit, paved, treeOf } from "../support/cli-world.js";

beforeAll(isolateGit);
afterEach(cleanUp);

const MANIFEST = readFileSync(new URL("../../examples/platform.yaml", import.meta.url), "utf8");
const UNIT = "production/payments/api/manifests/deployment.yaml";

describe("paved apply --source-id", () => {
  it("keeps a renamed repository's services and refuses a new repository under the old name", async () => {
    const w = gitopsWorkspace();
    const app = w.app("payments", MANIFEST);
    const apply = (source: string, id: string) => paved(app, "apply", "--gitops", w.gitops, "--config", w.config, "--source", source, "--source-id", id);

    expect((await apply("acme/payments", "42")).code).toBe(0);
    expect(treeOf(w.gitops)[".paved/sources/42.yaml"]).toContain("source: acme/payments");

    // Renamed: same id, new name. Its files follow it.
    const renamed = await apply("acme/billing", "42");
    expect(renamed.code).toBe(0);
    expect(treeOf(w.gitops)[UNIT]).toMatch(/^# Rendered by Paved for acme\/billing \(repository id 42\)/);
    const afterRename = treeOf(w.gitops);

    // A new repository takes the old name: another id, so a conflict naming the owner, nothing written.
    const head = git(w.gitops, "rev-parse", "HEAD");
    const takeover = await apply("acme/payments", "43");
    expect(takeover.code).toBe(1);
    expect(takeover.stderr).toContain("ownership-conflict");
    expect(takeover.stderr).toContain("acme/billing (repository id 42)");
    expect(git(w.gitops, "rev-parse", "HEAD")).toBe(head);
    expect(treeOf(w.gitops)).toEqual(afterRename);

    // Without an id the name is the identity, and files written for an id are not this source's.
    const nameOnly = await paved(app, "apply", "--gitops", w.gitops, "--config", w.config, "--source", "acme/billing");
    expect(nameOnly.code).toBe(1);
    expect(nameOnly.stderr).toContain("--source-id");
  });

  it("refuses an id that is not one", async () => {
    const w = gitopsWorkspace();
    const app = w.app("payments", MANIFEST);
    const result = await paved(app, "plan", "--gitops", w.gitops, "--config", w.config, "--source-id", "42\n# x");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--source-id");
  });
});

describe("paved apply and files it did not render", () => {
  const SEARCH = MANIFEST.replace("owner: payments", "owner: search").replace("payments/stripe", "search/stripe").replace(/api\.payments\.example\.com/g, "api.search.example.com").replace("host: api.example.com", "host: search.example.com");

  function commitAll(dir: string, message: string): void {
    git(dir, "add", "-A");
    git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message);
  }

  it("refuses to replace a hand-written project", async () => {
    const w = gitopsWorkspace();
    const app = w.app("payments", MANIFEST);
    mkdirSync(join(w.gitops, "projects"));
    writeFileSync(join(w.gitops, "projects/payments.yaml"), "# ours, by hand\napiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: { name: payments }\n");
    commitAll(w.gitops, "hand-written project");
    const before = treeOf(w.gitops);
    const result = await paved(app, "apply", "--gitops", w.gitops, "--config", w.config, "--source", "acme/payments", "--source-id", "1");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("projects/payments.yaml in the GitOps repository was not rendered by Paved");
    expect(treeOf(w.gitops)).toEqual(before);
  });

  it("deletes only files that say they are this source's, whatever its index lists", async () => {
    const w = gitopsWorkspace();
    const payments = w.app("payments", MANIFEST);
    const search = w.app("search", SEARCH);
    const apply = (dir: string, source: string, id: string) => paved(dir, "apply", "--gitops", w.gitops, "--config", w.config, "--source", source, "--source-id", id);
    expect((await apply(payments, "acme/payments", "1")).code).toBe(0);
    expect((await apply(search, "acme/search", "2")).code).toBe(0);

    const searchFile = "production/search/api/manifests/deployment.yaml";
    const index = join(w.gitops, ".paved/sources/1.yaml");
    writeFileSync(index, readFileSync(index, "utf8").replace("catalog:\n", `catalog:\n  - ${searchFile}\n`));
    writeFileSync(join(w.gitops, "production/payments/api/manifests/notes.yaml"), "# by hand\n");
    commitAll(w.gitops, "edit the index by hand");

    // payments drops its api and worker services.
    writeFileSync(join(payments, "platform.yaml"), "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  jobs:\n    image: ghcr.io/acme/payments-jobs:1.0.0\n    replicas: 2\n");
    const result = await apply(payments, "acme/payments", "1");
    expect(result.stderr).toContain(`${searchFile} is listed in this repository's ownership index`);
    const tree = treeOf(w.gitops);
    expect(tree[searchFile]).toBeDefined();
    expect(Object.keys(tree).filter((p) => p.startsWith("production/payments/api/"))).toEqual(["production/payments/api/manifests/notes.yaml"]);
    expect(tree[".paved/sources/1.yaml"]).not.toContain(searchFile);
  });
});
