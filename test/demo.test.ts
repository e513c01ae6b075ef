import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXAMPLES_DIR, StoryError, tellStory } from "../src/demo/story.js";
import { Terminal } from "../src/demo/terminal.js";
import { wantsColor } from "../src/report/ansi.js";
import { PLAN_MARKER } from "../src/report/markdown.js";
import { runCli, type CliResult } from "./support/cli-world.js";

const dirs: string[] = [];
let savedTmp: string | undefined;
let scratch: string;

beforeEach(() => {
  // The demo's temporary repositories go under a folder of our own, so "nothing left" is checkable.
  savedTmp = process.env.TMPDIR;
  scratch = mkdtempSync(join(tmpdir(), "paved-demo-test-"));
  dirs.push(scratch);
  process.env.TMPDIR = scratch;
});

afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function demo(args: string[] = [], isTTY = false): Promise<CliResult> {
  return runCli(["demo", ...args], { cwd: scratch, isTTY });
}

/** The `A`/`D`/`M` lines of the commits the demo shows, in order, per commit. */
function commits(stdout: string): Array<Array<{ status: string; path: string }>> {
  return stdout
    .split(/\n {2}│ commit [0-9a-f]{40}\n/)
    .slice(1)
    .map((block) =>
      [...block.matchAll(/^ {2}│ {2}([ADM]) {2}(\S+)/gm)].map((m) => ({ status: m[1]!, path: m[2]! })),
    );
}

describe("paved demo", () => {
  it("tells the whole story from real repositories, and leaves nothing behind", async () => {
    const result = await demo();
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = result.stdout;

    // 1: the plan as the pull-request comment renders it.
    expect(out).toContain(`│ ${PLAN_MARKER}`);
    expect(out).toMatch(/│ ## ✅ Paved: valid: 4 file changes in staging/);
    expect(out).toMatch(/│ \| `worker` \| create \|/);

    // 2 and 3: GitOps commits, shown with their full sha and files.
    const shown = commits(out);
    expect(shown).toHaveLength(3);
    expect(out.match(/│ commit [0-9a-f]{40}$/gm)).toHaveLength(3);
    expect(out).toMatch(/│ {5}paved: acme\/payments@[0-9a-f]{7} \(#1\)/);
    const created = shown[0]!.filter((f) => f.status === "A").map((f) => f.path).sort();
    expect(created).toEqual([
      "catalog/payments/worker.yaml",
      "staging/payments-staging/worker/application.yaml",
      "staging/payments-staging/worker/manifests/deployment.yaml",
    ]);

    // 2: Argo CD's notifications take #1's deployment from queued through in progress to healthy.
    const deployment = [...out.matchAll(/✓ (merged|paved-on-sync-running|paved-on-deployed): the staging Deployment of acme\/payments@[0-9a-f]{7} is (\w+)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(deployment).toEqual(["merged queued", "paved-on-sync-running in_progress", "paved-on-deployed success"]);
    expect(out).toMatch(/Argo CD → POST \/api\/argocd\/events {2}paved-on-deployed: payments.worker.staging, operation Succeeded, health Healthy/);

    // 3: located policy errors, file:line:column: error: … [code], and then a fix that applies.
    expect(out).toMatch(/^ {2}platform\.yaml:\d+:\d+: error: Production services run at least 2 replicas.* \[prod-min-replicas\]$/m);
    expect(out).toMatch(/^ {2}platform\.yaml:\d+:\d+: error: image `docker\.io\/acme\/payments-api:1\.5\.0` is not from an allowed registry.* \[image-registry\]$/m);
    const replicasLine = /^ {2}platform\.yaml:(\d+):(\d+): error: .*\[prod-min-replicas\]\n {2}\s*\1 \| (.*)$/m.exec(out);
    expect(replicasLine?.[3]).toMatch(/replicas: 1$/);
    expect(out).toContain("nothing committed");
    expect(shown[1]!.every((f) => f.status === "M")).toBe(true);
    expect(shown[1]!.map((f) => f.path)).toContain("production/payments/api/manifests/deployment.yaml");

    // 4 and 5: production rolled back in git and held (a merge leaves it alone), then released and promoted;
    // `paved history production` reads it back from the trailers, newest first.
    expect(out).toMatch(/│ rollback production to [0-9a-f]{7}\n/);
    expect(out).toMatch(/│ production\/api: update \(image tag 1\.5\.0 → 1\.4\.2; replicas 2 → 3\)/);
    expect(out).toContain("│ Paved-Action: rollback");
    expect(out).toContain("A merge of main now leaves production alone");
    const history = [...out.matchAll(/^ {2}│ \S+ {2}(merge|promote|rollback|release|hold) +acme\/payments@[0-9a-f]{7}/gm)].map((m) => m[1]);
    expect(history).toEqual(["promote", "release", "rollback", "merge", "merge", "merge"]);

    // 6: the removal deletes exactly what #1 created, nothing else.
    const deleted = shown[2]!.filter((f) => f.status === "D").map((f) => f.path).sort();
    expect(deleted).toEqual(created);
    expect(shown[2]!.filter((f) => f.status !== "D").map((f) => f.path)).toEqual([".paved/sources/acme/payments.yaml"]);
    expect(out).toContain("apply is idempotent");

    // Plain text when not on a terminal.
    expect(out).not.toContain("\u001b[");
    // Nothing left in the temporary folder.
    expect(readdirSync(scratch)).toEqual([]);
  });

  it("keeps both repositories with --keep DIR, and refuses to reuse them", async () => {
    const keep = join(scratch, "kept");
    const result = await demo(["--keep", keep]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(join(keep, "payments"));
    expect(result.stdout).toContain(join(keep, "gitops"));
    expect(readdirSync(keep).sort()).toEqual(["gitops", "payments"]);
    const git = (dir: string, ...args: string[]) => execFileSync("git", ["-C", join(keep, dir), ...args], { encoding: "utf8" }).trim();
    expect(git("payments", "log", "--first-parent", "--format=%s", "main").split("\n")).toEqual([
      "Merge pull request #3 from acme/retire-worker",
      "Merge pull request #2 from acme/scale-down",
      "Merge pull request #1 from acme/add-worker",
      "Describe the payments API in platform.yaml",
    ]);
    expect(git("payments", "log", "--format=%s", "main^2", "^main^1").split("\n")).toEqual(["Retire the worker"]);
    expect(git("payments", "log", "--format=%s", "main~1^2", "^main~2").split("\n")).toEqual([
      "Use the allowed registry; keep two replicas in production",
      "api 1.5.0 from Docker Hub; production down to one replica",
    ]);
    expect(git("gitops", "log", "--format=%s")).toMatch(/^paved: acme\/payments@[0-9a-f]{7} \(#3\)\n/);
    expect(git("gitops", "status", "--porcelain")).toBe("");
    expect(readFileSync(join(keep, "payments", "platform.yaml"), "utf8")).not.toContain("worker");

    const again = await demo(["--keep", keep]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("fails with a clear message when a step does not do what the story says", async () => {
    // An org config without the replicas policy: pull request #2 no longer breaks it.
    const examples = join(scratch, "examples");
    cpSync(EXAMPLES_DIR, examples, { recursive: true });
    const config = readFileSync(join(examples, "paved.yml"), "utf8");
    writeFileSync(join(examples, "paved.yml"), config.slice(0, config.indexOf("policies:")));
    const root = mkdtempSync(join(scratch, "story-"));
    mkdirSync(join(root, "app"));
    mkdirSync(join(root, "gitops"));
    const lines: string[] = [];
    const story = tellStory({ appDir: join(root, "app"), gitopsDir: join(root, "gitops"), examplesDir: examples, term: new Terminal((t) => lines.push(t), false) });
    await expect(story).rejects.toThrow(StoryError);
    await expect(story).rejects.toMatchObject({ step: "3", message: expect.stringMatching(/prod-min-replicas/) });
  });

  it("rejects arguments it does not know", async () => {
    const result = await demo(["--kepe", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option `--kepe`.*--keep/);
  });

  it("uses colour only on a terminal, and never with NO_COLOR", () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor(true, { NO_COLOR: "" })).toBe(true);
    const painted: string[] = [];
    new Terminal((t) => painted.push(t), true).ok("fine");
    expect(painted.join("")).toContain("\u001b[32m✓\u001b[39m");
  });
});
