/**
 * Faults: GitHub answering 500, 502, a secondary rate limit (403 + retry-after) or not answering in
 * time, on a seeded random fraction of the calls of a whole story (pull request planned, then merged
 * and applied), with the GitOps ref moving under us, or the GitOps repository missing or read-only.
 *
 * Whatever happens, the end state is one of:
 *  - applied exactly once: the GitOps tree holds exactly the rendered files and the ownership index,
 *    written by one (verified) commit;
 *  - not applied, and said so: the Paved check is completed with conclusion failure and a reason
 *    (or, when the failure came before any check existed, the delivery itself failed);
 * never a half-written tree, never a check left `in_progress`. And once GitHub behaves again, one
 * more delivery converges to "applied exactly once".
 */
import type { Probot } from "probot";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { ResolvedConfig } from "../../src/config/types.js";
import { mergedIndex } from "../support/deployed-record.js";
import { withRecordedCommit } from "../../src/plan/ownership-index.js";
import { desiredFiles } from "../../src/plan/desired.js";
import { desiredState } from "../../src/flows/pipeline.js";
import { defaultTemplates } from "../../src/render/index.js";
import { useApp } from "../support/app-harness.js";
import {
  APP_REPO,
  CONFIG_WITHOUT_APPROVAL,
  EXAMPLE_MANIFEST,
  GITOPS,
  deliver,
  openPull,
  pullRequestPayload,
  pushPayload,
  seedOrg,
} from "../support/app-world.js";
import type { Chaos, Fault, FakeGitHub } from "../support/fake-github.js";

const ITERATIONS = 20;
/** The client gives up on a request after this long; a "timeout" fault answers later than that. */
const TIMEOUT_MS = 120;
const LATE_MS = 300;
/** Each call fails with this probability, at most FAULT_BUDGET times per iteration (GitHub does recover). */
const FAULT_RATE = 0.15;
const FAULT_BUDGET = 3;

const SECONDARY_RATE_LIMIT: Fault = {
  status: 403,
  body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest" },
  headers: { "retry-after": "1" },
};
const NOT_ACCESSIBLE: Fault = {
  status: 403,
  body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest", status: "403" },
};
const KINDS = ["500", "502", "rate-limit", "timeout"] as const;

/** mulberry32: a small seeded PRNG, so every iteration can be replayed from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let fake: FakeGitHub;
let probot: Probot;
const outcomes: Record<string, number> = {};

useApp((app) => ({ fake, probot } = app), { retries: 1, requestTimeoutMs: TIMEOUT_MS });
// Runs first: no fault is injected into what is still in flight while useApp waits for it.
afterEach(() => {
  fake.chaos = undefined;
});

afterAll(() => {
  console.log(`\nfault iterations by end state: ${JSON.stringify(outcomes)}`);
});

const CONFIG: ResolvedConfig = loadConfig(CONFIG_WITHOUT_APPROVAL, ".github/paved.yml").config!;

/** What an apply of the example at `after` (merged from `pull`) must write: the rendered files, claims and the index. */
function expectedFiles(after: string, pull: number): Record<string, string> {
  const desired = desiredState(EXAMPLE_MANIFEST, "platform.yaml", CONFIG, { repository: APP_REPO, id: String(fake.repoState(APP_REPO).id), sha: after, pullRequest: pull }, defaultTemplates());
  expect(desired.index).not.toBeNull();
  // The index records the source commit it was applied from.
  const index = { ...desired.index!, content: withRecordedCommit(desired.index!.content, after) };
  return Object.fromEntries([...desiredFiles(desired.rendered, mergedIndex(index, CONFIG, after))].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The GitOps tree without what others wrote (the initial README, a concurrent writer's files). */
function managedTree(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fake.readTree(GITOPS))
      .filter(([path]) => path !== "README.md" && !path.startsWith("hand-written-"))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** Commits by the app on the GitOps branch (it commits without an author, so GitHub verifies them). */
function appCommits(): number {
  let count = 0;
  for (let sha: string | undefined = fake.headSha(GITOPS); sha; sha = fake.getCommit(GITOPS, sha).parents[0]) {
    if (fake.getCommit(GITOPS, sha).verified) count++;
  }
  return count;
}

function expectNoHungCheck(): void {
  for (const run of fake.checkRuns(APP_REPO, { name: "Paved" })) {
    expect(run.status, `check ${run.id} on ${run.headSha.slice(0, 7)}`).toBe("completed");
    if (run.conclusion === "failure") expect(run.output.summary ?? "", `check ${run.id}`).not.toBe("");
  }
}

/** Seeded faults on a fraction of all calls, at most `budget` of them. */
function chaos(random: () => number, budget: number, log: string[]): Chaos {
  let left = budget;
  return ({ method, path }) => {
    if (left <= 0 || random() >= FAULT_RATE) return undefined;
    left--;
    const kind = KINDS[Math.floor(random() * KINDS.length)]!;
    log.push(`${kind} ${method} ${path}`);
    switch (kind) {
      case "500":
        return { fault: { status: 500 } };
      case "502":
        return { fault: { status: 502 } };
      case "rate-limit":
        return { fault: SECONDARY_RATE_LIMIT };
      case "timeout":
        return { delayMs: LATE_MS };
    }
  };
}

async function settle(delivery: Promise<string>): Promise<{ ok: true } | { ok: false; error: Error }> {
  return delivery.then(
    () => ({ ok: true as const }),
    (error: Error) => ({ ok: false as const, error }),
  );
}

describe("seeded GitHub faults during planning and applying", () => {
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const seed = 7919 * (iteration + 1);
    const variant = iteration % 5 === 3 ? "gitops-missing" : iteration % 5 === 4 ? "gitops-read-only" : "faults";
    it(`seed ${seed} (${variant}): applied exactly once or reported, never half-written or hung`, async () => {
      const random = seeded(seed);
      const log: string[] = [];
      const config = variant === "gitops-missing" ? CONFIG_WITHOUT_APPROVAL.replace("acme/gitops", "acme/missing") : CONFIG_WITHOUT_APPROVAL;
      seedOrg(fake, { manifest: null, config });
      const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
      const randomFaults = chaos(random, FAULT_BUDGET, log);
      fake.chaos = (call) => {
        if (variant === "gitops-read-only" && call.method !== "GET" && call.path.startsWith(`/repos/${GITOPS}/git/`)) return { fault: NOT_ACCESSIBLE };
        return randomFaults(call);
      };
      // Another writer moves the GitOps branch right before some of our ref updates.
      const sneaks = Math.floor(random() * 3);
      let sneaked = 0;
      if (sneaks > 0) {
        fake.beforeRefUpdate(GITOPS, () => void fake.commit(GITOPS, "main", { files: { [`hand-written-${++sneaked}.txt`]: "by a person\n" } }), { times: sneaks });
      }

      const planned = await settle(deliver(probot, "pull_request", pullRequestPayload(fake, pr.number)));
      const before = fake.headSha(APP_REPO, "main");
      const after = fake.mergePull(APP_REPO, pr.number, "squash");
      const push = pushPayload(fake, before, after);
      const applied = await settle(deliver(probot, "push", push));
      fake.chaos = undefined;
      await fake.idle();
      const why = `faults: ${JSON.stringify(log)}; sneaks: ${sneaks}; pr: ${planned.ok ? "ok" : planned.error.message}; push: ${applied.ok ? "ok" : applied.error.message}`;

      // Never a check left in progress; every failure says why.
      expectNoHungCheck();
      expect(fake.unhandled, why).toEqual([]);
      // The pull request has at most one plan comment.
      expect(fake.comments(APP_REPO, pr.number).filter((c) => c.user === "paved[bot]").length, why).toBeLessThanOrEqual(1);

      // The tree is the old one or exactly the new one; one commit or none.
      const tree = managedTree();
      const pushCheck = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0];
      let state: string;
      if (Object.keys(tree).length === 0) {
        expect(appCommits(), why).toBe(0);
        if (pushCheck) {
          expect(pushCheck.conclusion, why).toBe("failure");
          state = "not applied, check failed";
        } else {
          expect(applied.ok, `${why}: nothing applied and no check, so the delivery must have failed`).toBe(false);
          state = "not applied, delivery failed before the check";
        }
      } else {
        expect(tree, why).toEqual(expectedFiles(after, pr.number));
        expect(appCommits(), why).toBe(1);
        state = pushCheck?.conclusion === "failure" ? "applied, check failed (lost response)" : "applied";
      }
      if (variant === "gitops-missing") {
        // The missing repository, unless an injected fault came first (reads before the GitOps one: config, owner check …).
        expect(pushCheck?.output.summary ?? "", why).toMatch(/acme\/missing|rate limit|Server Error|aborted/);
        outcomes[`${variant}: ${state}`] = (outcomes[`${variant}: ${state}`] ?? 0) + 1;
        return;
      }
      if (variant === "gitops-read-only" && pushCheck) expect(pushCheck.output.summary ?? "", why).toContain("Resource not accessible by integration");
      outcomes[`${variant}: ${state}`] = (outcomes[`${variant}: ${state}`] ?? 0) + 1;

      // GitHub behaves again (and the app was given write access): one more delivery converges.
      await deliver(probot, "push", push);
      await fake.idle();
      expect(managedTree(), why).toEqual(expectedFiles(after, pr.number));
      expect(appCommits(), why).toBe(1);
      const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" });
      expect(check, why).toHaveLength(1);
      expect(check[0]!.status).toBe("completed");
      expect(check[0]!.conclusion, why).not.toBe("failure");
      expectNoHungCheck();
    });
  }
});

describe("a check that could hang in progress", () => {
  it("is found and finished when GitHub created it but the answer was lost", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    fake.delayNext({ method: "POST", pathMatch: /\/check-runs$/, ms: LATE_MS });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    await fake.idle();
    const runs = fake.checkRuns(APP_REPO, { headSha: pr.headSha, name: "Paved" });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe("completed");
    expect(runs[0]!.conclusion).not.toBe("failure");
    expect(fake.comments(APP_REPO, pr.number)).toHaveLength(1);
  });

  it("fails with the reason even when reporting the failure fails at first, and the original error propagates", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    // Planning fails on the GitOps tree read (no retry: 403), then the first two attempts to report it fail too.
    fake.failNext({ method: "GET", pathMatch: /\/repos\/acme\/gitops\/git\/trees\//, ...NOT_ACCESSIBLE });
    fake.failNext({ method: "PATCH", pathMatch: /\/check-runs\/\d+$/, status: 502, times: 4 }); // two attempts × (1 + 1 retry)
    const error = await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number)).then(
      () => null,
      (e: Error) => e,
    );
    expect(String(error)).toContain("Resource not accessible by integration");
    const [run] = fake.checkRuns(APP_REPO, { headSha: pr.headSha, name: "Paved" });
    expect(run!.status).toBe("completed");
    expect(run!.conclusion).toBe("failure");
    expect(run!.output.summary).toContain("Resource not accessible by integration");
  });

  it("keeps the original error when the failure can never be reported, and the next delivery finishes the check", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    fake.failNext({ method: "GET", pathMatch: /\/repos\/acme\/gitops\/git\/trees\//, ...NOT_ACCESSIBLE });
    fake.failNext({ method: "PATCH", pathMatch: /\/check-runs\/\d+$/, status: 502, times: 100 });
    const error = await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number)).then(
      () => null,
      (e: Error) => e,
    );
    expect(String(error)).toContain("Resource not accessible by integration"); // not "Server Error" from the PATCH
    fake.reset();
    fake.install();
    seedOrg(fake);
    const again = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    fake.failNext({ method: "GET", pathMatch: /\/repos\/acme\/gitops\/git\/trees\//, ...NOT_ACCESSIBLE });
    fake.failNext({ method: "PATCH", pathMatch: /\/check-runs\/\d+$/, status: 502, times: 6 });
    fake.failNext({ method: "POST", pathMatch: /\/check-runs$/, status: 502, times: 3 }); // every attempt to report the failure
    await deliver(probot, "pull_request", pullRequestPayload(fake, again.number)).catch(() => undefined);
    // GitHub refused every report: no check shows a result (the quick path creates none until it has one).
    expect(fake.checkRuns(APP_REPO, { headSha: again.headSha, name: "Paved" }).filter((r) => r.status === "completed")).toEqual([]);
    await deliver(probot, "pull_request", pullRequestPayload(fake, again.number, "synchronize"));
    const [run] = fake.checkRuns(APP_REPO, { headSha: again.headSha, name: "Paved" });
    expect(run!.status).toBe("completed");
    expect(run!.conclusion).not.toBe("failure");
  });
});

describe("reporting an apply that failed", () => {
  function rerun(headSha: string) {
    const repository = pullRequestPayload(fake, 1).repository;
    const [check] = fake.checkRuns(APP_REPO, { headSha, name: "Paved" });
    return deliver(probot, "check_run", {
      action: "rerequested",
      check_run: { id: check!.id, name: "Paved", head_sha: headSha, pull_requests: [], check_suite: { head_sha: headSha, head_branch: "main" } },
      repository,
      installation: { id: 1 },
      sender: { login: "dev", type: "User" },
    });
  }

  it("says to re-run, and re-running the check on the default branch's head applies it", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.mergePull(APP_REPO, pr.number, "squash");
    fake.chaos = ({ method, path }) => (method !== "GET" && path.startsWith(`/repos/${GITOPS}/git/`) ? { fault: NOT_ACCESSIBLE } : undefined);
    await expect(deliver(probot, "push", pushPayload(fake, before, after))).rejects.toThrow();
    const [failed] = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" });
    expect(failed!.conclusion).toBe("failure");
    expect(failed!.output.summary).toContain("re-run this check");
    expect(managedTree()).toEqual({});

    fake.chaos = undefined; // the app was given write access
    await rerun(after);
    expect(managedTree()).toEqual(expectedFiles(after, pr.number));
    expect(appCommits()).toBe(1);
    const [check] = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" });
    expect(check!.status).toBe("completed");
    expect(check!.conclusion).not.toBe("failure");
  });

  it("never re-applies an older commit of the default branch on re-run", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.mergePull(APP_REPO, pr.number, "squash");
    fake.chaos = ({ method, path }) => (method !== "GET" && path.startsWith(`/repos/${GITOPS}/git/`) ? { fault: NOT_ACCESSIBLE } : undefined);
    await expect(deliver(probot, "push", pushPayload(fake, before, after))).rejects.toThrow();
    fake.chaos = undefined;
    fake.commit(APP_REPO, "main", { files: { "README.md": "moved on\n" } });
    await rerun(after);
    expect(managedTree()).toEqual({});
    expect(fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!.conclusion).toBe("failure");
  });

  it("does not claim nothing was applied when the commit landed and a later step failed", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.mergePull(APP_REPO, pr.number, "squash");
    fake.failNext({ method: "POST", pathMatch: /\/deployments$/, status: 502 });
    await expect(deliver(probot, "push", pushPayload(fake, before, after))).rejects.toThrow();
    expect(managedTree()).toEqual(expectedFiles(after, pr.number));
    expect(appCommits()).toBe(1);
    const [check] = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" });
    expect(check!.conclusion).toBe("failure");
    expect(check!.output.summary).toContain(`The GitOps commit ${fake.headSha(GITOPS)} landed`);
    expect(check!.output.summary).not.toContain("could not apply");
  });
});
