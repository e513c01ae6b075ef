/**
 * The GitHub Action against the fake GitHub: the runner with an Actions environment (event file,
 * INPUT_* variables, a workspace holding the org config), and the committed bundle itself.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { actionClient } from "../src/action/inputs.js";
import { runAction, type ActionDeps } from "../src/action/runner.js";
import {
  APP_REPO,
  CONFIG_WITHOUT_APPROVAL,
  EXAMPLE_CONFIG,
  EXAMPLE_MANIFEST,
  GITOPS,
  openPull,
  pullRequestPayload,
  pushPayload,
  seedOrg,
} from "./support/app-world.js";
import { useApp } from "./support/app-harness.js";
import type { FakeGitHub } from "./support/fake-github.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = join(ROOT, "action", "dist", "index.js");
const GITHUB_TOKEN = "ghs_workflow_token";
const GITOPS_TOKEN = "ghp_gitops_writer";
const BROKEN = EXAMPLE_MANIFEST.replace("    memory: 256Mi", "    memory: 256MB");
const BROKEN_LINE = BROKEN.split("\n").findIndex((l) => l.includes("256MB")) + 1;

let fake: FakeGitHub;
let dir: string;
let workspace: string;

useApp((app) => ({ fake } = app), { start: false });
beforeEach(() => {
  fake.identify(GITHUB_TOKEN, "github-actions[bot]"); // The workflow token writes as GitHub Actions' bot.
  dir = mkdtempSync(join(tmpdir(), "paved-action-"));
  workspace = join(dir, "workspace");
  // The checkout of the default branch: the org config is read from here, never through the API.
  writeWorkspace({ ".github/paved.yml": CONFIG_WITHOUT_APPROVAL });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeWorkspace(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
}

/** What the runner sets for a step: the event, the repository, the workspace and the inputs. */
function actionsEnv(eventName: string, payload: unknown, inputs: Record<string, string> = {}): NodeJS.ProcessEnv {
  const eventPath = join(dir, `event-${eventName}.json`);
  writeFileSync(eventPath, JSON.stringify(payload));
  return {
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: APP_REPO,
    GITHUB_WORKSPACE: workspace,
    GITHUB_RUN_ID: "4242",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_API_URL: "https://api.github.com",
    GITHUB_SERVER_URL: "https://github.com",
    "INPUT_GITHUB-TOKEN": GITHUB_TOKEN,
    "INPUT_GITOPS-TOKEN": GITOPS_TOKEN,
    INPUT_CONFIG: ".github/paved.yml",
    // Most stories here use the workspace opt-in; "the org config" below covers the default.
    "INPUT_CONFIG-SOURCE": "workspace",
    INPUT_MANIFEST: "",
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
  };
}

interface Recorded {
  deps: ActionDeps;
  /** Workflow commands written raw (annotations). */
  commands: string;
  lines: string[];
  warnings: string[];
  outputs: Record<string, string>;
}

/** The real Octokit setup of the Action, minus throttling's 1 s spacing of writes; a log that records. */
function recorder(): Recorded {
  const r: Recorded = { commands: "", lines: [], warnings: [], outputs: {}, deps: undefined as never };
  const log = {
    debug: () => {},
    info: (m: string) => void r.lines.push(m),
    warning: (m: string) => void r.warnings.push(m),
    write: (text: string) => void (r.commands += text),
    setOutput: (name: string, value: string) => void (r.outputs[name] = value),
  };
  r.deps = {
    client: (token) => actionClient(token, "https://api.github.com", log, { throttle: { enabled: false } }),
    log,
    retry: { backoff: () => 0 },
  };
  return r;
}

const pavedCheck = (sha: string) => fake.checkRuns(APP_REPO, { headSha: sha, name: "Paved" });
const pavedComments = (n: number) => fake.comments(APP_REPO, n).filter((c) => c.body.includes("<!-- paved:plan -->"));
const gitopsCommits = () => fake.callCount({ method: "PATCH", path: `/repos/${GITOPS}/git/refs/heads/main`, status: 200 });

describe("pull requests", () => {
  it("a valid manifest gets the Paved check and one plan comment; the step passes", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 4") });
    const rec = recorder();
    const result = await runAction(actionsEnv("pull_request_target", pullRequestPayload(fake, pr.number)), rec.deps);

    expect(result).toEqual({});
    const [check] = pavedCheck(pr.headSha);
    expect(check?.status).toBe("completed");
    expect(check?.conclusion).toMatch(/^(success|neutral)$/); // neutral: the example has warnings
    expect(pavedComments(pr.number)).toHaveLength(1);
    expect(rec.outputs.valid).toBe("true");
    expect(Number(rec.outputs.changes)).toBeGreaterThan(0);
    expect(rec.outputs["plan-id"]).toMatch(/\S/);
    // Warnings are annotations too, but only errors fail the step.
    expect(rec.commands).not.toContain("::error");
    expect(rec.commands).toMatch(/^::warning file=platform\.yaml,line=\d+,col=\d+,title=Paved%3A production-digest::/m);

    // The org config came from the workspace, not from acme/.github; the GitOps repository was read with its own token.
    expect(fake.callCount({ path: /^\/repos\/acme\/\.github\// })).toBe(0);
    const tokens = (path: RegExp) => new Set(fake.calls.filter((c) => path.test(c.path)).map((c) => c.token));
    expect(tokens(new RegExp(`^/repos/${GITOPS}/`))).toEqual(new Set([GITOPS_TOKEN]));
    expect(tokens(new RegExp(`^/repos/${APP_REPO}/`))).toEqual(new Set([GITHUB_TOKEN]));
  });

  it("an invalid manifest prints located annotations as workflow commands and fails the step", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": BROKEN });
    const rec = recorder();
    const result = await runAction(actionsEnv("pull_request_target", pullRequestPayload(fake, pr.number)), rec.deps);

    expect(result.failed).toMatch(/^Paved: the plan has 1 error in platform\.yaml/);
    expect(rec.commands).toMatch(new RegExp(`^::error file=platform\\.yaml,line=${BROKEN_LINE},col=\\d+,title=Paved%3A [a-z-]+::.*256Mi`, "m"));
    expect(rec.outputs.valid).toBe("false");
    expect(pavedCheck(pr.headSha)[0]?.conclusion).toBe("failure");
    expect(pavedComments(pr.number)).toHaveLength(1);
  });

  it("the same run attempt never reports twice; the config errors fail the step with the config's annotations", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 4") });
    const env = actionsEnv("pull_request_target", pullRequestPayload(fake, pr.number));
    await runAction(env, recorder().deps);
    const again = recorder();
    expect(await runAction(env, again.deps)).toEqual({});
    expect(again.lines.join("\n")).toContain("already handled");
    // One check-run write in all: created complete with its output (planning was quick).
    expect(fake.callCount((c) => c.method !== "GET" && /check-runs/.test(c.path))).toBe(1);

    writeWorkspace({ ".github/paved.yml": "gitops:\n  repositry: acme/gitops\n" });
    const rec = recorder();
    const result = await runAction({ ...env, GITHUB_RUN_ATTEMPT: "2" }, rec.deps);
    expect(result.failed).toContain("the org config .github/paved.yml (workspace)");
    expect(rec.commands).toMatch(/^::error file=\.github\/paved\.yml,line=2,/m);
  });

  it("on `pull_request`, refuses a pull request that changes the org config it would be judged by", async () => {
    seedOrg(fake);
    const weaker = CONFIG_WITHOUT_APPROVAL + "\n# looser\n";
    const pr = openPull(fake, { "platform.yaml": BROKEN, ".github/paved.yml": weaker });
    writeWorkspace({ ".github/paved.yml": weaker }); // The merge commit's checkout.
    const result = await runAction(actionsEnv("pull_request", pullRequestPayload(fake, pr.number)), recorder().deps);
    expect(result.failed).toContain("pull_request_target");
    expect(result.failed).toContain(".github/paved.yml");
    expect(pavedCheck(pr.headSha)).toHaveLength(0);
  });

  it("on `pull_request`, plans as usual when the config is untouched", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 4") });
    expect(await runAction(actionsEnv("pull_request", pullRequestPayload(fake, pr.number)), recorder().deps)).toEqual({});
    expect(pavedCheck(pr.headSha)[0]?.conclusion).not.toBe("failure");
  });
});

describe("pushes to the default branch", () => {
  it("commit the rendered files to the GitOps repository once, with the GitOps token; the step passes", async () => {
    seedOrg(fake);
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3") } });
    const rec = recorder();
    const result = await runAction(actionsEnv("push", pushPayload(fake, before, after)), rec.deps);

    expect(result).toEqual({});
    expect(gitopsCommits()).toBe(1);
    expect(Object.keys(fake.readTree(GITOPS)).some((p) => p.endsWith("/payments-api/application.yaml") || p.includes("/api/"))).toBe(true);
    expect(pavedCheck(after)[0]?.conclusion).not.toBe("failure");
    expect(fake.deployments(APP_REPO).length).toBeGreaterThan(0);
    expect(rec.outputs.valid).toBe("true");
    const writes = fake.calls.filter((c) => c.method !== "GET" && c.path.startsWith(`/repos/${GITOPS}/`));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((c) => c.token === GITOPS_TOKEN)).toBe(true);
    expect(fake.calls.filter((c) => c.path.startsWith(`/repos/${APP_REPO}/`)).every((c) => c.token === GITHUB_TOKEN)).toBe(true);

    // Pushes to other branches never deploy.
    const other = await runAction(actionsEnv("push", pushPayload(fake, before, after, undefined, "refs/heads/feature")), recorder().deps);
    expect(other).toEqual({});
    expect(gitopsCommits()).toBe(1);
  });

  it("fails the step with a clear message when the GitOps token cannot reach the GitOps repository", async () => {
    seedOrg(fake);
    writeWorkspace({ ".github/paved.yml": CONFIG_WITHOUT_APPROVAL.replace("acme/gitops", "acme/private-gitops") });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3") } });
    const result = await runAction(actionsEnv("push", pushPayload(fake, before, after)), recorder().deps);

    expect(result.failed).toContain("acme/private-gitops does not exist or the token cannot reach it");
    expect(result.failed).toContain("`gitops-token`");
    expect(pavedCheck(after)[0]?.conclusion).toBe("failure");
    expect(gitopsCommits()).toBe(0);

    const env = actionsEnv("push", pushPayload(fake, before, after), { "gitops-token": "" });
    const withoutToken = await runAction({ ...env, GITHUB_RUN_ATTEMPT: "2" }, recorder().deps);
    expect(withoutToken.failed).toContain("`gitops-token` is empty");
  });

  it("a direct push never writes an environment that requires approval; the step fails saying so", async () => {
    seedOrg(fake);
    expect(await runAction(actionsEnv("push", pushPayload(fake, "1".repeat(40), fake.headSha(APP_REPO, "main"))), recorder().deps)).toEqual({});
    writeWorkspace({ ".github/paved.yml": EXAMPLE_CONFIG }); // production now requires approval
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", "payments-api:6.6.6") } });
    const result = await runAction({ ...actionsEnv("push", pushPayload(fake, before, after)), GITHUB_RUN_ID: "4243" }, recorder().deps);
    expect(result.failed).toContain("not written to production");
    expect(fake.readTree(GITOPS)["production/payments/api/manifests/deployment.yaml"]).toContain("payments-api:1.4.2");
    expect(fake.readTree(GITOPS)["staging/payments-staging/api/manifests/deployment.yaml"]).toContain("payments-api:6.6.6");
  });

  it("plans pull requests as merged: a merge that moves the base re-plans them, and the write-time gate catches the rest", async () => {
    const pinned = EXAMPLE_MANIFEST.replace("        ingress: { host: api.example.com }\n", "        ingress: { host: api.example.com }\n        env: { LOG_LEVEL: info }\n");
    seedOrg(fake, { manifest: pinned });
    let run = 5000;
    const step = (name: string, payload: unknown) => runAction({ ...actionsEnv(name, payload), GITHUB_RUN_ID: String(++run) }, recorder().deps);
    expect(await step("push", pushPayload(fake, "1".repeat(40), fake.headSha(APP_REPO, "main"), { added: ["platform.yaml"] }))).toEqual({});
    writeWorkspace({ ".github/paved.yml": EXAMPLE_CONFIG }); // production now requires approval
    const a = openPull(fake, { "platform.yaml": pinned.replace("      LOG_LEVEL: info\n", "      LOG_LEVEL: debug\n") }, { branch: "a" });
    const b = openPull(fake, { "platform.yaml": pinned.replace("        env: { LOG_LEVEL: info }\n", "") }, { branch: "b" });
    expect(await step("pull_request_target", pullRequestPayload(fake, a.number))).toEqual({});
    expect(await step("pull_request_target", pullRequestPayload(fake, b.number))).toEqual({});

    let before = fake.headSha(APP_REPO, "main");
    let after = fake.mergePull(APP_REPO, a.number, "merge");
    expect(await step("push", pushPayload(fake, before, after))).toEqual({});
    expect(pavedCheck(b.headSha)[0]?.conclusion).toBe("failure"); // re-planned merged with A: production changes
    before = after;
    after = fake.mergePull(APP_REPO, b.number, "merge");
    expect((await step("push", pushPayload(fake, before, after))).failed).toContain("not written to production");
    expect(fake.readTree(GITOPS)["production/payments/api/manifests/deployment.yaml"]).toMatch(/LOG_LEVEL[\s\S]{0,40}info/);
  });

  it("re-running an old push run never rolls the GitOps repository back", async () => {
    seedOrg(fake);
    const base = fake.headSha(APP_REPO, "main");
    const first = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", "payments-api:2.0.0") } });
    const oldPush = pushPayload(fake, base, first);
    expect(await runAction(actionsEnv("push", oldPush), recorder().deps)).toEqual({});
    const second = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", "payments-api:3.0.0") } });
    expect(await runAction({ ...actionsEnv("push", pushPayload(fake, first, second)), GITHUB_RUN_ID: "4243" }, recorder().deps)).toEqual({});
    const applied = fake.headSha(GITOPS);

    const rerun = recorder();
    expect(await runAction({ ...actionsEnv("push", oldPush), GITHUB_RUN_ATTEMPT: "2" }, rerun.deps)).toEqual({}); // "Re-run jobs"
    expect(fake.headSha(GITOPS)).toBe(applied);
    expect(fake.readTree(GITOPS)["production/payments/api/manifests/deployment.yaml"]).toContain("payments-api:3.0.0");
    expect(rerun.lines.join("\n"), rerun.lines.join("\n")).toContain("not applied");
    expect(pavedCheck(first)[0]?.output.title).toContain("Not applied");
  });

  it("an invalid manifest on the default branch is never applied and fails the step", async () => {
    seedOrg(fake);
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": BROKEN } });
    const rec = recorder();
    const result = await runAction(actionsEnv("push", pushPayload(fake, before, after)), rec.deps);
    expect(result.failed).toMatch(/manifest on the default branch has 1 error/);
    expect(rec.commands).toContain(`::error file=platform.yaml,line=${BROKEN_LINE},`);
    expect(gitopsCommits()).toBe(0);
  });
});

describe("set-up problems fail the step with a message, never a stack", () => {
  it("names what is missing", async () => {
    seedOrg(fake);
    const payload = pushPayload(fake, "1".repeat(40), fake.headSha(APP_REPO, "main"));
    expect((await runAction({}, recorder().deps)).failed).toMatch(/^Paved: GITHUB_EVENT_NAME is not set/);
    expect((await runAction(actionsEnv("workflow_dispatch", {}), recorder().deps)).failed).toMatch(/not on `workflow_dispatch`/);
    expect((await runAction(actionsEnv("push", payload, { "github-token": "" }), recorder().deps)).failed).toMatch(/`github-token` input is empty/);
    rmSync(join(workspace, ".github"), { recursive: true });
    expect((await runAction(actionsEnv("push", payload), recorder().deps)).failed).toMatch(/org config `\.github\/paved\.yml` is not in the workspace.*actions\/checkout/);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("the org config", () => {
  it("comes from the org's .github repository by default, like the app's, never from the workspace", async () => {
    seedOrg(fake, { config: CONFIG_WITHOUT_APPROVAL.replace("prod-min-replicas", "prod-min-replicas-org") });
    writeWorkspace({ ".github/paved.yml": "gitops:\n  repository: acme/elsewhere\n" }); // a config in the checkout is ignored
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3") } });
    const result = await runAction(actionsEnv("push", pushPayload(fake, before, after), { "config-source": "" }), recorder().deps);
    expect(result).toEqual({});
    expect(fake.readTree(GITOPS)["production/payments/api/application.yaml"]).toBeDefined();
    // Read with the GitOps token (the workflow token reaches only this repository).
    expect(new Set(fake.calls.filter((c) => c.path.startsWith("/repos/acme/.github/")).map((c) => c.token))).toEqual(new Set([GITOPS_TOKEN]));
  });

  it("with the workspace opt-in, a push that changes the templates applies nothing no plan showed", async () => {
    const config = CONFIG_WITHOUT_APPROVAL.replace(/^render:\n/m, "render:\n  templates: templates\n");
    expect(config).toContain("templates: templates");
    seedOrg(fake);
    fake.commit(APP_REPO, "main", { files: { ".github/paved.yml": config, ".github/templates/deployment.yaml.hbs": "kind: Deployment\n" } });
    // The pull request adds a cluster-admin binding template and a manifest change; its plan (on
    // pull_request_target) used the base's templates, which have none.
    const pr = openPull(fake, {
      ".github/templates/clusterrolebinding.yaml.hbs": "kind: ClusterRoleBinding\nroleRef: { name: cluster-admin }\n",
      "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3"),
    });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.mergePull(APP_REPO, pr.number, "merge");
    writeWorkspace({ ".github/paved.yml": config, ".github/templates/clusterrolebinding.yaml.hbs": "kind: ClusterRoleBinding\n" }); // the merged checkout
    const result = await runAction(actionsEnv("push", pushPayload(fake, before, after)), recorder().deps);
    expect(result.failed).toContain("nothing applied: this push changes .github/templates");
    expect(Object.keys(fake.readTree(GITOPS))).toEqual(["README.md"]);
  });
});

/**
 * The committed bundle (action/dist/index.js), not the sources: a subprocess shows it starts and fails
 * cleanly with no GitHub environment; an in-process import (where nock intercepts its requests) runs a
 * whole pull request through it, with its own Octokit (throttling on) and @actions/core.
 */
describe("the bundle", () => {
  it("is committed (npm run build:action) with its schemas, templates and version next to it", () => {
    for (const file of ["index.js", "package.json", "schemas/platform.schema.json", "schemas/config.schema.json", "templates/deployment.yaml.hbs"]) {
      expect(existsSync(join(dirname(BUNDLE), file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(JSON.parse(readFileSync(join(dirname(BUNDLE), "package.json"), "utf8"))).toMatchObject({ type: "module", version: pkg.version });
  });

  it("starts without a GitHub environment and fails the step cleanly", () => {
    const run = spawnSync(process.execPath, [BUNDLE], { env: { PATH: process.env.PATH }, cwd: dir, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("::error::Paved: GITHUB_EVENT_NAME is not set");
    expect(run.stdout + run.stderr).not.toMatch(/^\s+at /m);
  });

  it("runs a pull request with an invalid manifest end to end and fails the step", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": BROKEN });
    const outputFile = join(dir, "github-output");
    writeFileSync(outputFile, "");
    const saved = { ...process.env };
    const savedExitCode = process.exitCode;
    let stdout = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    try {
      Object.assign(process.env, actionsEnv("pull_request_target", pullRequestPayload(fake, pr.number)), { GITHUB_OUTPUT: outputFile });
      const loaded = (await import(/* @vite-ignore */ `${pathToFileURL(BUNDLE).href}?run=invalid`)) as { done: Promise<void> };
      await loaded.done;
      expect(process.exitCode).toBe(1);
    } finally {
      spy.mockRestore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      process.exitCode = savedExitCode;
    }
    expect(stdout).toContain(`::error file=platform.yaml,line=${BROKEN_LINE},`);
    expect(stdout).toMatch(/^::error::Paved: the plan has 1 error in platform\.yaml/m);
    expect(readFileSync(outputFile, "utf8")).toMatch(/^valid<<.*\nfalse\n/m);
    expect(pavedCheck(pr.headSha)[0]?.conclusion).toBe("failure");
  }, 30_000);
});
