import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, type CliResult, isolateGit, runCli, tempDir, exampleWorkspace } from "./support/cli-world.js";

const DEPLOYMENT = "staging/payments-staging/api/manifests/deployment.yaml";
const BOT = { GIT_AUTHOR_NAME: "paved[bot]", GIT_AUTHOR_EMAIL: "1234+paved[bot]@users.noreply.github.com", GIT_COMMITTER_NAME: "paved[bot]", GIT_COMMITTER_EMAIL: "1234+paved[bot]@users.noreply.github.com" };
const MALLORY = { GIT_AUTHOR_NAME: "Mallory", GIT_AUTHOR_EMAIL: "mallory@example.com", GIT_COMMITTER_NAME: "Mallory", GIT_COMMITTER_EMAIL: "mallory@example.com" };

beforeAll(isolateGit);
afterEach(cleanUp);

function git(dir: string, env: Record<string, string>, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", env: { ...process.env, ...env } }).trim();
}

/** `paved apply` commits with git's identity variables: the test plays who commits. */
function paved(cwd: string, env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd, env });
}

/** An application repository and a GitOps clone that `paved apply`, committing as the App's bot, filled. */
async function applied(): Promise<{ app: string; gitops: string }> {
  const root = tempDir("paved-drift-");
  const { app, gitops } = exampleWorkspace(root);
  git(app, {}, "init", "-q", "-b", "main");
  git(app, {}, "remote", "add", "origin", "git@github.com:acme/payments.git");
  git(gitops, {}, "init", "-q", "-b", "main");
  const result = await paved(app, BOT, "apply", "--gitops", gitops);
  expect(result.code).toBe(0);
  return { app, gitops };
}

function handEdit(gitops: string, path: string, edit: (text: string) => string, env = MALLORY): void {
  writeFileSync(join(gitops, path), edit(readFileSync(join(gitops, path), "utf8")));
  git(gitops, env, "commit", "-q", "-am", "hotfix");
}

describe("paved drift", () => {
  it("finds a hand edit of an owned file, names the commit and author, and forgets it once put back", async () => {
    const { app, gitops } = await applied();
    expect((await paved(app, {}, "drift", "--gitops", gitops)).code).toBe(0);

    const original = readFileSync(join(gitops, DEPLOYMENT), "utf8");
    handEdit(gitops, DEPLOYMENT, (t) => t.replace('memory: "256Mi"', 'memory: "1Gi"'));
    writeFileSync(join(gitops, "NOTES.md"), "not Paved's\n");
    git(gitops, MALLORY, "add", "NOTES.md");
    git(gitops, MALLORY, "commit", "-q", "-m", "notes");
    const sha = git(gitops, {}, "log", "--format=%H", "-1", "--", DEPLOYMENT);

    const found = await paved(app, {}, "drift", "--gitops", gitops);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain("staging/payments-staging/api (acme/payments)");
    expect(found.stdout).toContain(`${DEPLOYMENT}: ${sha.slice(0, 7)} by Mallory`);
    expect(found.stdout).not.toContain("NOTES.md");
    const json = JSON.parse((await paved(app, {}, "drift", "--gitops", gitops, "--format", "json")).stdout) as { drift: Array<{ path: string; commit: string }> };
    expect(json.drift.map((d) => [d.path, d.commit])).toEqual([[DEPLOYMENT, sha]]);

    handEdit(gitops, DEPLOYMENT, () => original);
    expect((await paved(app, {}, "drift", "--gitops", gitops)).code).toBe(0);
  });

  it("never counts Paved's own commits, including those of an --author it is told about", async () => {
    const { app, gitops } = await applied();
    handEdit(gitops, DEPLOYMENT, (t) => t.replace('memory: "256Mi"', 'memory: "2Gi"'), BOT);
    expect((await paved(app, {}, "drift", "--gitops", gitops)).code).toBe(0);
    const ci = { GIT_AUTHOR_NAME: "CI", GIT_AUTHOR_EMAIL: "ci@acme.io", GIT_COMMITTER_NAME: "CI", GIT_COMMITTER_EMAIL: "ci@acme.io" };
    handEdit(gitops, DEPLOYMENT, (t) => t.replace('memory: "2Gi"', 'memory: "3Gi"'), ci);
    expect((await paved(app, {}, "drift", "--gitops", gitops)).code).toBe(1);
    expect((await paved(app, {}, "drift", "--gitops", gitops, "--author", "ci@acme.io")).code).toBe(0);
  });
});
