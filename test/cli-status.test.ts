import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { run } from "../src/cli/main.js";
import { applicationWithStatus, webhookBody, type ArgoState } from "../src/demo/argocd.js";
import { cleanUp, git, isolateGit, paved, tempDir, exampleWorkspace } from "./support/cli-world.js";

/** `paved status` over a real GitOps clone that `paved apply` wrote, and a log of Argo CD webhook bodies. */
beforeAll(isolateGit);
afterEach(cleanUp);


/** An application repository with the example committed and applied to a fresh GitOps clone. */
async function applied(): Promise<{ app: string; gitops: string; root: string }> {
  const root = tempDir("paved-status-");
  const { app, gitops } = exampleWorkspace(root);
  for (const [dir, remote] of [[app, "git@github.com:acme/payments.git"], [gitops, "git@github.com:acme/gitops.git"]] as const) {
    git(dir, "init", "-q", "-b", "main");
    git(dir, "remote", "add", "origin", remote);
    git(dir, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "start");
  }
  git(app, "add", "-A");
  git(app, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "platform.yaml");
  expect((await paved(app, "apply", "--gitops", gitops)).code).toBe(0);
  return { app, gitops, root };
}

async function bump(app: string, gitops: string, version: string): Promise<string> {
  const file = join(app, "platform.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/payments-api:[0-9.]+/, `payments-api:${version}`));
  git(app, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-am", `api ${version}`);
  expect((await paved(app, "apply", "--gitops", gitops)).code).toBe(0);
  return git(gitops, "rev-parse", "HEAD");
}

function event(gitops: string, trigger: string, app: string, state: ArgoState): string {
  const body = webhookBody(git(gitops, "show", "HEAD:argocd/argocd-notifications-cm.yaml"), trigger, applicationWithStatus(git(gitops, "show", `HEAD:${app}`), state));
  return JSON.stringify(JSON.parse(body)); // one line, as a log keeps it
}

interface Row {
  gitopsCommit: string;
  environment: string;
  state: string;
  description: string;
}

const API = "staging/payments-staging/api/application.yaml";

describe("paved status", () => {
  it("shows every environment queued until Argo CD reports, then what it reported", async () => {
    const { app, gitops, root } = await applied();
    const first = git(gitops, "rev-parse", "HEAD");
    const quiet = await paved(app, "status", "--gitops", gitops, "--format", "json");
    expect(quiet.code).toBe(0);
    expect((JSON.parse(quiet.stdout) as Row[]).map((r) => `${r.environment} ${r.state}`)).toEqual(["staging queued", "production queued"]);

    // Argo CD skips the first revision and goes straight to the second.
    const second = await bump(app, gitops, "1.4.3");
    const log = join(root, "argocd-events.jsonl");
    writeFileSync(log, [event(gitops, "paved-on-sync-running", API, { revision: second, phase: "Running" }), event(gitops, "paved-on-deployed", API, { revision: second, phase: "Succeeded", health: "Healthy" }), ""].join("\n"));
    const rows = JSON.parse((await paved(app, "status", "--gitops", gitops, "--events", log, "--format", "json")).stdout) as Row[];
    const of = (commit: string, environment: string) => rows.find((r) => r.gitopsCommit === commit && r.environment === environment)!;
    expect(of(second, "staging")).toMatchObject({ state: "success", description: "api: healthy: successfully synced (all tasks run)" });
    // The first commit's staging deployment waited for api and worker: api is deployed with the second revision, the worker not yet.
    expect(of(first, "staging")).toMatchObject({ state: "in_progress", description: expect.stringContaining("api: healthy (1 of 2 healthy)") });
    expect(of(second, "production").state).toBe("queued");

    const text = await paved(app, "status", "--gitops", gitops, "--events", log);
    expect(text.stdout).toMatch(/^acme\/payments@[0-9a-f]{7} → GitOps [0-9a-f]{7}\n {2}staging {5}✅ success {5}api: healthy/m);
    expect(text.stdout).toContain("production  ⏳ queued      Waiting for a sync in Argo CD (this environment syncs manually)");
  });

  it("says which events changed nothing, and where a log is not made of webhook bodies", async () => {
    const { app, gitops, root } = await applied();
    const log = join(root, "events.json");
    const head = git(gitops, "rev-parse", "HEAD");
    writeFileSync(log, JSON.stringify([JSON.parse(event(gitops, "paved-on-deployed", API, { revision: "f".repeat(40), phase: "Succeeded", health: "Healthy" })), JSON.parse(event(gitops, "paved-on-deployed", API, { revision: head, phase: "Succeeded", health: "Healthy" }))]));
    const out = await paved(app, "status", "--gitops", gitops, "--events", log);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("Events that changed nothing:\n  payments.api.staging: revision ffffffffffff is not in the GitOps history");

    writeFileSync(log, `${event(gitops, "paved-on-deployed", API, { revision: head, phase: "Succeeded" })}\n{"app": \n`);
    const bad = await paved(app, "status", "--gitops", gitops, "--events", log);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/events\.json:2:1: error: not JSON \(one webhook body per line\)/);
    expect((await paved(app, "status")).code).toBe(2);
  });
});
