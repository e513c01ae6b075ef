/**
 * Burst stories with production throttling (Probot's throttling plugin on, as `NODE_ENV=production`
 * has it: writes 1 s apart, comments 3 s apart): 50 pull-request deliveries across 10 repositories
 * arrive at once at the service's real webhook endpoint. Every one must be acknowledged at once and
 * handled exactly once (planned, or superseded by a later one for the same head), every head must
 * end with one completed check and its pull request with one comment of that head. Bounded in time;
 * figures are printed, never asserted.
 */
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveries } from "../../src/app/metrics.js";
import { startService, type Service } from "../../src/app/service.js";
import { TEST_PRIVATE_KEY, useApp } from "../support/app-harness.js";
import { seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { burstDeliveries, eventually, fireBurst, openBurstPulls, type BurstPull } from "./support/burst.js";
import { SECRET, percentile } from "./support/webhook-server.js";

const MARKER = "<!-- paved:plan -->";
const REPOS = 10;
const BURST = 50;

let fake: FakeGitHub;
let service: Service;
let pulls: BurstPull[];

useApp((app) => ({ fake } = app), { start: false, scope: "file" });
beforeAll(async () => {
  seedOrg(fake);
  pulls = openBurstPulls(fake, REPOS);
  // Probot's defaults: throttling and retries on, exactly as in production.
  const probot = new Probot({ appId: 1, privateKey: TEST_PRIVATE_KEY, secret: SECRET, logLevel: "fatal" });
  service = await startService({
    credentials: { appId: 1, privateKey: TEST_PRIVATE_KEY, secret: SECRET },
    env: { PORT: "0", HOST: "127.0.0.1" },
    probot,
  });
});

afterAll(async () => {
  await service?.drain();
});

async function outcomes(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const v of (await deliveries.get()).values) counts[String(v.labels.outcome)] = (counts[String(v.labels.outcome)] ?? 0) + v.value;
  return counts;
}

const settled = async () => {
  const stats = await service.queue.stats();
  return stats.waiting === 0 && stats.active === 0;
};

describe("a burst of pull-request events with production throttling", () => {
  it(`acknowledges ${BURST} deliveries across ${REPOS} repositories at once and handles each exactly once: one completed check per head, one comment per pull request`, { timeout: 240_000 }, async () => {
    const before = await outcomes();
    const burst = burstDeliveries(fake, pulls, BURST, "burst");
    const answers = await fireBurst(`${service.url}/api/github/webhooks`, burst);
    expect(answers.map((a) => a.status)).toEqual(burst.map(() => 202));
    await eventually("the queue drained", settled, 200_000);

    const after = await outcomes();
    const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    // Each delivery handled exactly once: planned or superseded by a later one for its head, none failed or retried.
    expect(delta("queued")).toBe(BURST);
    expect(delta("processed") + delta("superseded")).toBe(BURST);
    expect({ failed: delta("failed"), retried: delta("retried") }).toEqual({ failed: 0, retried: 0 });

    for (const pull of pulls) {
      const head = fake.pull(pull.repo, pull.number).head.sha;
      const runs = fake.checkRuns(pull.repo, { name: "Paved" });
      expect(runs.map((r) => [r.headSha, r.status]), pull.repo).toEqual([[head, "completed"]]);
      const comments = fake.comments(pull.repo, pull.number).filter((c) => c.body.includes(MARKER));
      expect(comments, pull.repo).toHaveLength(1);
      expect(comments[0]!.body).toContain(head.slice(0, 7));
    }
    expect(fake.unhandled).toEqual([]);
    const ms = answers.map((a) => a.ms);
    console.log(`burst of ${BURST}: ack p50 ${Math.round(percentile(ms, 50))} ms, p99 ${Math.round(percentile(ms, 99))} ms; planned ${delta("processed")}, superseded ${delta("superseded")}`);
  });

  it("does nothing, writing nothing, when the whole burst is redelivered with the same ids", { timeout: 60_000 }, async () => {
    const sent = burstDeliveries(fake, pulls, BURST, "again");
    const first = await fireBurst(`${service.url}/api/github/webhooks`, sent);
    expect(first.every((a) => a.status === 202)).toBe(true);
    await eventually("the queue drained", settled, 50_000);
    const writes = () => fake.calls.filter((c) => c.method !== "GET" && c.path.startsWith("/repos/")).length;
    const before = writes();
    const again = await fireBurst(`${service.url}/api/github/webhooks`, sent);
    expect(again.map((a) => a.status)).toEqual(sent.map(() => 200));
    await eventually("the queue drained", settled, 50_000);
    expect(writes()).toBe(before);
  });
});
