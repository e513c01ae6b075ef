/**
 * The size bounds through the CLI on real git (issue #14): the alias bomb is refused with its
 * located error by `validate`, `plan` and `apply`, and the GitOps clone gets no commit.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, git, gitopsWorkspace, isolateGit, paved, treeOf } from "./support/cli-world.js";
import { aliasBomb } from "./reliability/support/hostile-inputs.mjs";

beforeAll(isolateGit);
afterEach(cleanUp);

const BOMB = aliasBomb();
const LINE = BOMB.split("\n").findIndex((l) => l === "  s4:") + 4;

describe("the alias bomb through the CLI", () => {
  it("validate, plan and apply refuse it at the alias that crosses 4 MiB; the GitOps clone is untouched", async () => {
    const w = gitopsWorkspace();
    const app = w.app("payments", BOMB);
    const head = git(w.gitops, "rev-parse", "HEAD");

    const validate = await paved(app, "validate", "--config", w.config);
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toContain(`platform.yaml:${LINE}:10`);
    expect(validate.stdout + validate.stderr).toContain("expanded-too-large");

    const plan = await paved(app, "plan", "--gitops", w.gitops, "--config", w.config, "--format", "json");
    const json = JSON.parse(plan.stdout) as { valid: boolean; diagnostics: Array<{ code: string; line: number; column: number }> };
    expect(json.valid).toBe(false);
    expect(json.diagnostics.filter((d) => d.code === "expanded-too-large").map((d) => `${d.line}:${d.column}`)).toEqual([`${LINE}:10`]);

    const apply = await paved(app, "apply", "--gitops", w.gitops, "--config", w.config, "--source", "acme/payments", "--source-id", "1");
    expect(apply.code).not.toBe(0);
    expect(apply.stdout + apply.stderr).toContain(`platform.yaml:${LINE}:10`);
    expect(git(w.gitops, "rev-parse", "HEAD")).toBe(head);
    expect(treeOf(w.gitops)).toEqual({});
  });

  it("the largest alias manifest under the bound applies", async () => {
    const w = gitopsWorkspace();
    const app = w.app("payments", aliasBomb({ services: 3 }));
    const apply = await paved(app, "apply", "--gitops", w.gitops, "--config", w.config, "--source", "acme/payments", "--source-id", "1");
    expect(apply.code).toBe(0);
    expect(Object.keys(treeOf(w.gitops))).toContain("production/payments/s3/manifests/deployment.yaml");
  });
});
