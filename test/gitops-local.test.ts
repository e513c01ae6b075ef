import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DirtyWorkTreeError, GitError, LocalGitWriter, gitRunner, githubRepository, type GitRunner } from "../src/gitops/local.js";
import type { GitOpsWriter } from "../src/gitops/writer.js";
import { applyWithRetry } from "../src/flows/apply.js";
import { planner } from "../src/flows/planner.js";
import type { DesiredInput } from "../src/plan/types.js";
import { CONFIG, SOURCE, desired, service, units } from "./plan-fixtures.js";

beforeAll(() => {
  // Tests see only the repositories they create: no global identity, signing or hooks.
  process.env.GIT_CONFIG_GLOBAL = "/dev/null";
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  for (const name of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"]) delete process.env[name];
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
}

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "paved-gitops-"));
  dirs.push(dir);
  git(dir, "init", "-q", "-b", "main");
  return dir;
}

const noSleep = { sleep: async () => {}, backoff: () => 0 };

function apply(writer: GitOpsWriter, input: DesiredInput, source = SOURCE) {
  return applyWithRetry(writer, planner(input, { source, config: CONFIG, version: "0.1.0" }), noSleep);
}

const base = desired(units(["api", "worker"]));

describe("local git writer", () => {
  it("applies to an empty repository, then finds nothing to do", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    expect(await writer.readTree()).toEqual({ treeId: "", tree: new Map() });
    const first = await apply(writer, base);
    expect(first.status).toBe("committed");
    const head = git(dir, "rev-parse", "HEAD");
    expect(first.status === "committed" && first.sha).toBe(head);
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(readFileSync(join(dir, "staging/payments-staging/api/application.yaml"), "utf8")).toBe(
      base.rendered.files.get("staging/payments-staging/api/application.yaml"),
    );
    expect(existsSync(join(dir, ".paved/sources/acme/payments.yaml"))).toBe(true);
    expect(git(dir, "log", "-1", "--format=%an <%ae>%n%B")).toMatch(/^Paved <paved@localhost>\npaved: acme\/payments@0123456\n\ndev\/api: create/);

    const second = await apply(writer, desired(units(["api", "worker"])));
    expect(second.status).toBe("unchanged");
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(git(dir, "rev-list", "--count", "HEAD")).toBe("1");
  });

  it("commits an edit that touches only the edited unit's files and the index", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    await apply(writer, base);
    const edited = desired(units(["api", "worker"], (name, env) => (name === "worker" && env === "production" ? service({ replicas: 5 }) : service())));
    const result = await apply(writer, edited);
    expect(result.status).toBe("committed");
    expect(git(dir, "diff", "--name-only", "HEAD~1", "HEAD").split("\n")).toEqual([
      ".paved/sources/acme/payments.yaml",
      "production/payments-production/worker/manifests/deployment.yaml",
    ]);
    expect(git(dir, "log", "-1", "--format=%B")).toContain("production/worker: update (replicas 2 → 5)");
  });

  it("removes a whole manifest's files, index included, leaving other sources alone", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    const billing = { repository: "acme/billing" };
    await apply(writer, desired(units(["ledger"], () => service(), "billing"), billing), billing);
    await apply(writer, base);
    const before = git(dir, "ls-files").split("\n");
    const result = await apply(writer, desired([]));
    expect(result.status).toBe("committed");
    const after = git(dir, "ls-files").split("\n");
    const removed = before.filter((p) => !after.includes(p)).sort();
    expect(removed).toEqual([...base.rendered.owned, ".paved/sources/acme/payments.yaml"].sort());
    expect(after).toContain(".paved/sources/acme/billing.yaml");
    expect(after).toContain("projects/payments.yaml");
    expect(existsSync(join(dir, "dev/payments-dev/api/application.yaml"))).toBe(false);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });

  it("refuses a unit another source owns, naming it, and commits nothing", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    const other = { repository: "acme/other" };
    await apply(writer, desired(units(["api"]), other), other);
    const head = git(dir, "rev-parse", "HEAD");
    const result = await apply(writer, base);
    expect(result.status).toBe("invalid");
    expect(result.plan.diagnostics[0]!.message).toContain("acme/other");
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
  });

  it("refuses a dirty work tree with a clear error", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    await apply(writer, desired(units(["api"])));
    const head = git(dir, "rev-parse", "HEAD");
    writeFileSync(join(dir, "scratch.txt"), "work in progress\n");
    await expect(apply(writer, base)).rejects.toThrow(DirtyWorkTreeError);
    await expect(apply(writer, base)).rejects.toThrow(/uncommitted changes \(scratch\.txt\); commit or stash them first/);
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
  });

  // The commit (fast-import) and the compare-and-swap that lands it (update-ref -m).
  for (const step of ["fast-import", "-m"]) {
    it(`leaves the repository unchanged when ${step === "-m" ? "update-ref" : step} fails`, async () => {
      const dir = repo();
      await apply(new LocalGitWriter(dir), desired(units(["api"])));
      const head = git(dir, "rev-parse", "HEAD");
      const files = git(dir, "ls-files", "-s");
      const real = gitRunner(dir);
      const failing: GitRunner = (args, options) => (args.includes(step) ? Promise.reject(new GitError(args, 128, "injected failure")) : real(args, options));
      await expect(apply(new LocalGitWriter(dir, { git: failing }), base)).rejects.toThrow(/injected failure/);
      expect(git(dir, "rev-parse", "HEAD")).toBe(head);
      expect(git(dir, "ls-files", "-s")).toBe(files);
      expect(git(dir, "status", "--porcelain")).toBe("");
      expect(git(dir, "for-each-ref", "refs/paved/")).toBe("");
    });
  }

  it("writes paths git would otherwise misread, and leaves no ref of its own behind", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    const odd = ['"quoted".yaml', "back\\slash.yaml", "two words.yaml"];
    const result = await writer.commit(odd.map((path) => ({ path, content: `${path}\n` })), "odd paths", "");
    expect(result.kind).toBe("committed");
    expect(git(dir, "ls-files", "-z").split("\0").filter(Boolean).sort()).toEqual([...odd].sort());
    for (const path of odd) expect(readFileSync(join(dir, path), "utf8")).toBe(`${path}\n`);
    expect(git(dir, "for-each-ref", "refs/paved/")).toBe("");
    const again = await writer.commit([{ path: odd[0]!, content: null }], "remove one", (await writer.readTree()).treeId);
    expect(again.kind).toBe("committed");
    expect(git(dir, "ls-files", "-z").split("\0").filter(Boolean).sort()).toEqual(odd.slice(1).sort());
  });

  it("re-reads and re-plans when another writer commits first", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    await apply(writer, desired(units(["api"])));
    let raced = false;
    const racing: GitOpsWriter = {
      readTree: () => writer.readTree(),
      readBlobs: (paths, from) => writer.readBlobs(paths, from),
      async commit(changes, message, expected) {
        if (!raced) {
          raced = true;
          writeFileSync(join(dir, "README.md"), "someone else\n");
          git(dir, "add", "README.md");
          git(dir, "-c", "user.name=Other", "-c", "user.email=o@example.com", "commit", "-q", "-m", "concurrent");
        }
        return writer.commit(changes, message, expected);
      },
    };
    const result = await apply(racing, base);
    expect(result).toMatchObject({ status: "committed", attempts: 2 });
    expect(git(dir, "log", "--format=%s").split("\n")).toEqual(["paved: acme/payments@0123456", "concurrent", "paved: acme/payments@0123456"]);
    expect(existsSync(join(dir, "README.md"))).toBe(true);
  });

  it("plans on a tree read ahead of time, and re-reads when another commit landed since", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    await apply(writer, desired(units(["api"])));
    const readAhead = new LocalGitWriter(dir);
    await readAhead.prefetchTree();
    writeFileSync(join(dir, "README.md"), "someone else\n");
    git(dir, "add", "README.md");
    git(dir, "-c", "user.name=Other", "-c", "user.email=o@example.com", "commit", "-q", "-m", "concurrent");
    const result = await apply(readAhead, base);
    expect(result).toMatchObject({ status: "committed", attempts: 2 });
    expect(git(dir, "log", "--format=%s").split("\n")).toEqual(["paved: acme/payments@0123456", "concurrent", "paved: acme/payments@0123456"]);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("someone else\n");
  });

  it("reports a conflict, not 'unchanged', when the branch moved since the plan, even for changes already there", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    await apply(writer, desired(units(["api"])));
    const planned = await writer.readTree();
    writeFileSync(join(dir, "README.md"), "someone else\n");
    git(dir, "add", "README.md");
    git(dir, "-c", "user.name=Other", "-c", "user.email=o@example.com", "commit", "-q", "-m", "concurrent");
    const [path, sha] = [...planned.tree][0]!;
    const same = (await writer.readBlobs([path], planned)).get(path)!;
    expect(sha).toBeTruthy();
    expect(await writer.commit([{ path, content: same }], "no-op against the planned tree", planned.treeId)).toEqual({ kind: "conflict" });
  });

  it("gives up after the last attempt, reporting the conflict", async () => {
    const dir = repo();
    const writer = new LocalGitWriter(dir);
    const alwaysLate: GitOpsWriter = { ...writer, readTree: () => writer.readTree(), readBlobs: (p, f) => writer.readBlobs(p, f), commit: async () => ({ kind: "conflict" }) };
    const waits: number[] = [];
    const result = await applyWithRetry(alwaysLate, planner(base, { source: SOURCE, config: CONFIG, version: "0" }), {
      attempts: 3,
      backoff: (n) => n * 10,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(result).toMatchObject({ status: "conflict", attempts: 3 });
    expect(waits).toEqual([10, 20]);
  });

  it("uses the repository's own identity when it has one", async () => {
    const dir = repo();
    git(dir, "config", "user.name", "Platform Bot");
    git(dir, "config", "user.email", "bot@acme.io");
    await apply(new LocalGitWriter(dir), base);
    expect(git(dir, "log", "-1", "--format=%an <%ae>")).toBe("Platform Bot <bot@acme.io>");
  });

  it("reads a detached HEAD (a CI checkout of a commit) but refuses to commit on it", async () => {
    const dir = repo();
    await apply(new LocalGitWriter(dir), base);
    git(dir, "checkout", "-q", "--detach");
    const snapshot = await new LocalGitWriter(dir).readTree();
    expect(snapshot.treeId).toBe(git(dir, "rev-parse", "HEAD"));
    expect(snapshot.tree.size).toBeGreaterThan(0);
    const changed = desired(units(["api"], () => service({ replicas: 5 })));
    await expect(apply(new LocalGitWriter(dir), changed)).rejects.toThrow(/detached: check out a branch/);
    expect(git(dir, "status", "--porcelain")).toBe("");
  });
});

describe("githubRepository", () => {
  it("reads owner/name from GitHub remotes only", () => {
    expect(githubRepository("git@github.com:acme/payments.git")).toBe("acme/payments");
    expect(githubRepository("https://github.com/acme/payments")).toBe("acme/payments");
    expect(githubRepository("https://x-access-token:abc@github.com/acme/pay.ments.git")).toBe("acme/pay.ments");
    expect(githubRepository("ssh://git@github.com/acme/payments.git/")).toBe("acme/payments");
    expect(githubRepository("https://gitlab.com/acme/payments.git")).toBeUndefined();
  });
});
