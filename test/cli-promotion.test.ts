import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, git, gitopsWorkspace, isolateGit, paved, treeOf } from "./support/cli-world.js";

beforeAll(isolateGit);
afterEach(cleanUp);

const STAGING = "staging/payments-staging/api/manifests/deployment.yaml";
const PRODUCTION = "production/payments/api/manifests/deployment.yaml";
const MANIFEST = readFileSync(new URL("../examples/platform.yaml", import.meta.url), "utf8");

/** The example org, production promoted by hand; an application clone whose commits bump the image. */
function world() {
  const ws = gitopsWorkspace();
  writeFileSync(ws.config, readFileSync(ws.config, "utf8").replace("  production:\n", "  production:\n    promote: manual\n"));
  const app = ws.app("payments", MANIFEST);
  git(app, "init", "-q", "-b", "main");
  git(app, "remote", "add", "origin", "git@github.com:acme/payments.git");
  const commitImage = (tag: string): string => {
    writeFileSync(join(app, "platform.yaml"), MANIFEST.replace("payments-api:1.4.2", `payments-api:${tag}`));
    git(app, "add", "-A");
    git(app, "-c", "user.name=dev", "-c", "user.email=dev@acme.io", "commit", "-q", "-m", tag);
    return git(app, "rev-parse", "HEAD");
  };
  const image = (path: string): string | undefined => /image: "?([^"\n]+)"?/.exec(treeOf(ws.gitops)[path] ?? "")?.[1];
  const run = (...args: string[]) => paved(app, ...args, "--gitops", ws.gitops, "--config", ws.config);
  return { ...ws, app, commitImage, image, run };
}

function filesOf(dir: string, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(treeOf(dir)).filter(([path]) => path.startsWith(prefix)));
}

describe("paved promote, rollback, hold, release and history on real git", () => {
  it("a merge deploys staging; production waits for a promotion; a rollback holds staging until released; history lists it all", async () => {
    const w = world();
    const a = w.commitImage("1.5.0");
    const applied = await w.run("apply");
    expect(applied.code, applied.stderr).toBe(0);
    expect(w.image(STAGING)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect(w.image(PRODUCTION)).toBeUndefined();
    expect(git(w.gitops, "log", "-1", "--format=%B")).toContain(`Paved-Source-Commit: staging@${a}`);
    const stagingAtA = filesOf(w.gitops, "staging/");

    const promoted = await w.run("promote", "production");
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toBe(`${git(w.gitops, "rev-parse", "HEAD")}\n`);
    expect(w.image(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    // The same promotion again has nothing to do and commits nothing.
    const again = await w.run("promote", "production");
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining("already runs")]);

    const b = w.commitImage("1.6.0");
    expect((await w.run("apply")).code).toBe(0);
    expect(w.image(STAGING)).toBe("ghcr.io/acme/payments-api:1.6.0");
    expect(w.image(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");

    // Production: promoted to B, rolled back to A (held); promoting B again is refused until released.
    expect((await w.run("promote", "production")).code).toBe(0);
    expect(w.image(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.6.0");
    expect((await w.run("rollback", "production")).code).toBe(0);
    expect(w.image(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    const whileHeld = git(w.gitops, "rev-parse", "HEAD");
    const refusedHeld = await w.run("promote", "production");
    expect(refusedHeld.code).toBe(1);
    expect(refusedHeld.stderr).toContain(`\`production\` is held at ${a.slice(0, 7)}`);
    expect(refusedHeld.stderr).toContain("paved release production");
    expect(git(w.gitops, "rev-parse", "HEAD")).toBe(whileHeld);
    expect(w.image(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect((await w.run("release", "production")).code).toBe(0);
    expect((await w.run("promote", "production")).code).toBe(0);
    expect(w.image(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.6.0");

    // Rollback: staging's files are back as they were at the previous deployed commit, in one commit, and staging is held.
    const before = git(w.gitops, "rev-parse", "HEAD");
    const rolled = await w.run("rollback", "staging");
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(git(w.gitops, "rev-list", "--count", `${before}..HEAD`)).toBe("1");
    expect(filesOf(w.gitops, "staging/")).toEqual(stagingAtA);
    const index = treeOf(w.gitops)[".paved/sources/acme/payments.yaml"]!;
    expect(index).toContain(`staging:\n    commit: ${a}\n    action: rollback\n    held: true`);
    expect(rolled.stderr).toContain("held: staging");
    // A second rollback without a commit does not go back further.
    const twice = await w.run("rollback", "staging");
    expect([twice.code, twice.stdout]).toEqual([0, expect.stringContaining("already rolled back")]);

    // Held: a merge of a newer commit does not reach staging.
    const c = w.commitImage("1.7.0");
    expect((await w.run("apply")).code).toBe(0);
    expect(w.image(STAGING)).toBe("ghcr.io/acme/payments-api:1.5.0");
    // Staging is the first environment: nothing to promote it from, refused, exit 1, nothing committed.
    const head = git(w.gitops, "rev-parse", "HEAD");
    const refused = await w.run("promote", "staging");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("is the first environment");
    expect(git(w.gitops, "rev-parse", "HEAD")).toBe(head);

    const released = await w.run("release", "staging");
    expect(released.code, released.stderr).toBe(0);
    expect(w.image(STAGING)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect((await w.run("apply")).code).toBe(0);
    expect(w.image(STAGING)).toBe("ghcr.io/acme/payments-api:1.7.0");
    expect((await w.run("promote", "production")).code).toBe(0);
    expect(w.image(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.7.0");

    const history = await paved(w.app, "history", "staging", "--gitops", w.gitops, "--format", "json");
    expect(history.code).toBe(0);
    const entries = JSON.parse(history.stdout) as Array<{ action: string; sourceCommit: string; source: string; by?: string }>;
    expect(entries.map((e) => `${e.action} ${e.sourceCommit}`)).toEqual([`merge ${c}`, `release ${a}`, `rollback ${a}`, `merge ${b}`, `merge ${a}`]);
    expect(entries.every((e) => e.source === "acme/payments")).toBe(true);
    const production = await paved(w.app, "history", "production", "--gitops", w.gitops);
    expect(production.stdout.trim().split("\n").map((l) => l.split(/\s+/).slice(1, 3).join(" "))).toEqual(
      [`promote acme/payments@${c.slice(0, 7)}`, `promote acme/payments@${b.slice(0, 7)}`, `release acme/payments@${a.slice(0, 7)}`, `rollback acme/payments@${a.slice(0, 7)}`, `promote acme/payments@${b.slice(0, 7)}`, `promote acme/payments@${a.slice(0, 7)}`],
    );
    expect(production.stdout).toContain(`acme/payments@${c.slice(0, 7)}`);
  });

  it("a rollback to a named commit re-renders it; one whose manifest no longer validates, or an unknown environment or commit, writes nothing", async () => {
    const w = world();
    const a = w.commitImage("1.5.0");
    expect((await w.run("apply")).code).toBe(0);
    const stagingAtA = filesOf(w.gitops, "staging/");
    const bad = w.commitImage("latest");
    w.commitImage("1.6.0");
    expect((await w.run("apply")).code).toBe(0);
    const head = git(w.gitops, "rev-parse", "HEAD");

    const invalid = await w.run("rollback", "staging", bad.slice(0, 10));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(`the manifest at ${bad.slice(0, 7)} does not validate under today's org config`);
    expect(invalid.stderr).toMatch(/platform\.yaml:\d+:\d+/);
    const unknownEnv = await w.run("rollback", "prod");
    expect([unknownEnv.code, unknownEnv.stderr]).toEqual([1, expect.stringContaining("`prod` is not an environment of the org config")]);
    const unknownCommit = await w.run("rollback", "staging", "deadbeef");
    expect([unknownCommit.code, unknownCommit.stderr]).toEqual([2, expect.stringContaining("`deadbeef` is not a commit of the source repository")]);
    const noGitops = await paved(w.app, "promote", "production");
    expect([noGitops.code, noGitops.stderr]).toEqual([2, expect.stringContaining("`--gitops DIR` is required")]);
    expect(git(w.gitops, "rev-parse", "HEAD")).toBe(head);

    const named = await w.run("rollback", "staging", a.slice(0, 8));
    expect(named.code, named.stderr).toBe(0);
    expect(filesOf(w.gitops, "staging/")).toEqual(stagingAtA);
    expect(git(w.gitops, "log", "-1", "--format=%B")).toContain(`Paved-Action: rollback\n`);

    // Holding needs something deployed there.
    const held = await w.run("hold", "production");
    expect([held.code, held.stderr]).toEqual([1, expect.stringContaining("nothing is deployed in `production` yet")]);
  });

  it("paved --help lists the verbs, and each has its own help", async () => {
    const help = await paved(".", "--help");
    for (const verb of ["promote", "rollback", "hold", "release", "history"]) expect(help.stdout).toMatch(new RegExp(`\\n  ${verb} +\\S`));
    expect((await paved(".", "rollback", "--help")).stdout).toContain("Usage: paved rollback ENV [SHA] --gitops DIR [--repo DIR]");
    expect((await paved(".", "history", "--help")).stdout).toContain("Usage: paved history ENV --gitops DIR [--format text|json]");
  });
});
