/**
 * Tenant isolation with the CLI on real git: `--source-id` is the identity ownership follows.
 */
import { readFileSync } from "node:fs";
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
