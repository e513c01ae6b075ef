/**
 * A hostile source against the CLI on real git: refused, with the GitOps clone as the honest
 * source left it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, git, gitopsWorkspace, isolateGit, paved, treeOf } from "../support/cli-world.js";

beforeAll(isolateGit);
afterEach(cleanUp);

const MANIFEST = readFileSync(new URL("../../examples/platform.yaml", import.meta.url), "utf8");
const SEARCH = MANIFEST.replace("owner: payments", "owner: search")
  .replace(/api\.payments\.example\.com/g, "api.search.example.com")
  .replace("host: api.example.com", "host: search.example.com")
  .replace("payments/stripe", "search/crawler");

/** payments is applied; then `attack` (search's manifest) is applied: refused, nothing committed. */
async function refused(attack: string): Promise<string> {
  const w = gitopsWorkspace();
  const payments = w.app("payments", MANIFEST);
  expect((await paved(payments, "apply", "--gitops", w.gitops, "--config", w.config, "--source", "acme/payments", "--source-id", "1")).code).toBe(0);
  const head = git(w.gitops, "rev-parse", "HEAD");
  const before = treeOf(w.gitops);
  const search = w.app("search", attack);
  const result = await paved(search, "apply", "--gitops", w.gitops, "--config", w.config, "--source", "acme/search", "--source-id", "2");
  expect(result.code).toBe(1);
  expect(git(w.gitops, "rev-parse", "HEAD")).toBe(head);
  expect(treeOf(w.gitops)).toEqual(before);
  return result.stderr + result.stdout;
}

describe("catalog rules hold across teams (CLI)", () => {
  it("refuses another team's secret", async () => {
    expect(await refused(SEARCH.replace("search/crawler", "payments/stripe"))).toMatch(/platform\.yaml:\d+:\d+: error secret-key-scope: secret `STRIPE_KEY` reads `payments\/stripe`, outside this team's keys/);
  });

  it("refuses a class set through params", async () => {
    expect(await refused(SEARCH.replace("db: { type: postgres, class: small }", "db: { type: postgres, params: { class: xlarge } }"))).toContain("dependency-param-governed");
  });
});

describe("secrets stay secret (CLI)", () => {
  const KEY = "AKIA" + "IOSFODNN7EXAMPLE";

  it("refuses a pasted key without repeating it, and the org can switch the check off", async () => {
    const attack = SEARCH.replace("      LOG_LEVEL: info\n", `      LOG_LEVEL: info\n      AWS_ACCESS_KEY_ID: ${KEY}\n      DB_PASSWORD: hunter2\n`);
    const output = await refused(attack);
    expect(output).toContain("`env.AWS_ACCESS_KEY_ID` is a literal that looks like a secret (its value has the shape of an AWS access key id)");
    expect(output).toContain("`env.DB_PASSWORD` is a literal that looks like a secret (its name `DB_PASSWORD` says it holds a secret)");
    expect(output).not.toContain(KEY);
    expect(output).not.toContain("hunter2");

    const w = gitopsWorkspace();
    writeFileSync(w.config, `${readFileSync(w.config, "utf8")}\nbuiltins: { env-secret-literal: false }\n`);
    const app = w.app("search", attack);
    expect((await paved(app, "validate", "--config", w.config)).code).toBe(0);
  });

  it("shows bidirectional controls in CLI text instead of obeying them", async () => {
    const w = gitopsWorkspace();
    const app = w.app("search", SEARCH.replace("replicas: 3", "replicas: \u202ethree"));
    const result = await paved(app, "validate", "--config", w.config);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain("\u202e");
    expect(result.stdout).toContain("\\u202e");
  });
});
