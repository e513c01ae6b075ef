/**
 * No source can starve the others (issue #14), through the real App against the fake GitHub: the
 * alias bomb is refused with its located error and nothing reaches the GitOps repository; plans run
 * in the App's worker pool, so a slow plan does not hold another delivery's, and the job's deadline
 * stops a plan that runs past it.
 */
import type { Probot } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { enterJob } from "../../src/app/job-scope.js";
import { planPool } from "../../src/app/plan-pool.js";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, GITOPS, applyMain, deliver, openPull, pullRequestPayload, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { aliasBomb } from "../reliability/support/hostile-inputs.mjs";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));
afterEach(() => vi.restoreAllMocks());

function pavedCheck(headSha: string) {
  const runs = fake.checkRuns(APP_REPO, { headSha, name: "Paved" });
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

/** Resolves once the pool has been handed `count` plans (the worker has the request). */
function plansStarted(count: number): Promise<void> {
  const compute = planPool().compute.bind(planPool());
  let started = 0;
  let done: () => void;
  const reached = new Promise<void>((resolve) => (done = resolve));
  vi.spyOn(planPool(), "compute").mockImplementation((input, deadline) => {
    const result = compute(input, deadline);
    if (++started === count) done();
    return result;
  });
  return reached;
}

const BOMB = aliasBomb();
const BOMB_LINE = BOMB.split("\n").findIndex((l) => l === "  s4:") + 4; // `    env: *env` of s4 crosses 4 MiB

describe("the alias bomb against the App", () => {
  it("a pull request gets a failed check with the located error; the GitOps repository is untouched", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const before = fake.readTree(GITOPS);
    const pr = openPull(fake, { "platform.yaml": BOMB });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));

    const check = pavedCheck(pr.headSha);
    expect(check.conclusion).toBe("failure");
    const failures = check.annotations.filter((a) => a.annotation_level === "failure");
    expect(failures.map((a) => `${a.path}:${a.start_line}`)).toEqual([`platform.yaml:${BOMB_LINE}`]);
    expect(failures[0]!.message).toContain("With its aliases expanded, this document is over 4 MiB (this alias crosses it)");
    expect(fake.readTree(GITOPS)).toEqual(before);
  });

  it("merged to the default branch, it is not applied: the check says why, the GitOps repository is untouched", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const before = fake.readTree(GITOPS);
    const main = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": BOMB } }, "A shared env block");
    await deliver(probot, "push", pushPayload(fake, main, after));

    const check = pavedCheck(after);
    expect(check.conclusion).toBe("failure");
    expect(check.annotations.filter((a) => a.annotation_level === "failure").map((a) => a.start_line)).toEqual([BOMB_LINE]);
    expect(fake.readTree(GITOPS)).toEqual(before);
  });
});

describe("plans run off the event loop", () => {
  it("while one source's slow plan runs, another pull request is planned and reported", async () => {
    seedOrg(fake);
    // The largest alias manifest under the bounds: 3.7 MB expanded, seconds to plan.
    const slow = openPull(fake, { "platform.yaml": aliasBomb({ services: 3 }) }, { branch: "slow" });
    const quick = openPull(fake, { "platform.yaml": fake.readTree(APP_REPO)["platform.yaml"]!.replace("replicas: 3", "replicas: 4") }, { branch: "quick" });
    const order: string[] = [];
    const started = plansStarted(1);
    const slowDone = deliver(probot, "pull_request", pullRequestPayload(fake, slow.number)).then(() => order.push("slow"));
    await started; // the slow plan is in a worker now
    await deliver(probot, "pull_request", pullRequestPayload(fake, quick.number)).then(() => order.push("quick"));
    expect(order).toEqual(["quick"]);
    expect(pavedCheck(quick.headSha).status).toBe("completed");
    await slowDone;
    expect(order).toEqual(["quick", "slow"]);
    expect(pavedCheck(slow.headSha).conclusion).not.toBe("failure"); // it completes too, on its own time
  });

  it("a plan that runs past the job's deadline is stopped: its worker is terminated and the check says so", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": aliasBomb({ services: 3 }) });
    const deadline = new AbortController();
    const id = "delivery-deadline";
    const leave = enterJob(id, { signal: deadline.signal, onCheck: () => undefined });
    const stoppedBefore = planPool().stopped;
    const started = plansStarted(1);
    const handled = deliver(probot, "pull_request", pullRequestPayload(fake, pr.number), id).catch((error: unknown) => error);
    await started;
    deadline.abort(); // as the queue worker does when PAVED_JOB_TIMEOUT_MS passes
    await handled;
    leave();

    expect(planPool().stopped).toBe(stoppedBefore + 1);
    const check = pavedCheck(pr.headSha);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("Paved stopped planning this manifest: it ran past the delivery's deadline (PAVED_JOB_TIMEOUT_MS)");
    expect(fake.readTree(GITOPS)).toEqual({ "README.md": "# GitOps\n" });

    // The pool goes on with a fresh worker.
    vi.restoreAllMocks();
    const next = openPull(fake, { "platform.yaml": fake.readTree(APP_REPO)["platform.yaml"]!.replace("replicas: 3", "replicas: 5") }, { branch: "next" });
    await deliver(probot, "pull_request", pullRequestPayload(fake, next.number));
    expect(pavedCheck(next.headSha).status).toBe("completed");
    expect(pavedCheck(next.headSha).conclusion).not.toBe("failure");
  });
});
