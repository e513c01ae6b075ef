/**
 * Load: signed `pull_request` deliveries into the real webhook server (Probot's middleware on
 * node:http, loopback), from autocannon with a fixed number of requests, each with its own body and
 * delivery id, at three increasing sizes and concurrencies. Figures are printed, never asserted:
 * what is asserted is that nothing was dropped or duplicated.
 */
import autocannon from "autocannon";
import type { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testProbot, useApp } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_MANIFEST, openPull, pullRequestPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { percentile, sign, startWebhookServer, type WebhookServer } from "./support/webhook-server.js";

const MARKER = "<!-- paved:plan -->";
const PULLS = 5;
/** Deliveries per step, and how many are in flight at once. */
const STEPS = [
  { deliveries: 10, connections: 2 },
  { deliveries: 50, connections: 10 },
  { deliveries: 200, connections: 40 },
];
/** Actions that all plan the pull request at its head (GitHub sends several per head commit). */
const ACTIONS = ["synchronize", "reopened", "ready_for_review", "opened"];

interface Delivery {
  id: string;
  pull: number;
  body: string;
}

let fake: FakeGitHub;
let probot: Probot;
let web: WebhookServer;
const pulls: number[] = [];
const sent: Delivery[] = [];
const figures: Array<Record<string, string | number>> = [];

useApp((app) => ({ fake } = app), { start: false, scope: "file" });
beforeAll(async () => {
  probot = testProbot();
  web = await startWebhookServer(probot);
  seedOrg(fake);
  for (let i = 0; i < PULLS; i++) {
    const pr = openPull(fake, { "platform.yaml": manifestFor(i, 0) }, { branch: `load-${i}` });
    pulls.push(pr.number);
  }
  // Warm-up (installation token, template compilation, JIT), not measured.
  const warm = JSON.stringify(pullRequestPayload(fake, pulls[0]!));
  const response = await fetch(web.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "warm-up", "x-hub-signature-256": sign(warm) },
    body: warm,
  });
  expect(response.status).toBe(200);
  await web.settled(1);
});

afterAll(async () => {
  await web?.close();
  console.log(`\nwebhook load (loopback, one process, ${PULLS} pull requests):`);
  console.table(figures);
});

function manifestFor(pull: number, step: number): string {
  return EXAMPLE_MANIFEST.replace("replicas: 3", `replicas: ${3 + pull}`).replace("LOG_LEVEL: info", `LOG_LEVEL: info-${step}`);
}

/** Fires `deliveries` through autocannon, `connections` at a time; every request carries its own delivery. */
async function fire(deliveries: Delivery[], connections: number): Promise<{ result: autocannon.Result; latencies: number[]; statuses: number[]; elapsedMs: number }> {
  let next = 0;
  let first: number | undefined;
  let last = 0;
  const statuses: number[] = [];
  const latencies: number[] = [];
  const result = await autocannon({
    url: web.url,
    amount: deliveries.length,
    connections: Math.min(connections, deliveries.length),
    timeout: 30,
    requests: [
      {
        method: "POST",
        setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
          const delivery = deliveries[next++ % deliveries.length]!;
          context.sentAt = performance.now();
          first ??= context.sentAt as number;
          return {
            ...request,
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-github-event": "pull_request",
              "x-github-delivery": delivery.id,
              "x-hub-signature-256": sign(delivery.body),
            },
            body: delivery.body,
          };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          statuses.push(status);
          last = performance.now();
          latencies.push(last - (context.sentAt as number));
        },
      },
    ],
  });
  // autocannon ends on its one-second ticker: time the deliveries themselves, first sent to last answered.
  return { result, latencies, statuses, elapsedMs: last - (first ?? last) };
}

function pavedComments(pull: number) {
  return fake.comments(APP_REPO, pull).filter((c) => c.body.includes(MARKER));
}

function writes(): number {
  return fake.calls.filter((c) => c.method !== "GET" && c.path.startsWith("/repos/")).length;
}

describe("the webhook server under load", () => {
  STEPS.forEach((step, index) => {
    it(`handles ${step.deliveries} deliveries, ${step.connections} at a time: every one answered 2xx, handled once, one check per head and one comment per pull request`, async () => {
      // A new head commit on every pull request, then deliveries spread over them.
      const heads = new Map<number, string>();
      for (const [i, number] of pulls.entries()) {
        fake.commit(APP_REPO, `load-${i}`, { files: { "platform.yaml": manifestFor(i, index + 1) } });
        heads.set(number, fake.pull(APP_REPO, number).head.sha);
      }
      const deliveries: Delivery[] = Array.from({ length: step.deliveries }, (_, k) => {
        const pull = pulls[k % pulls.length]!;
        const body = JSON.stringify(pullRequestPayload(fake, pull, ACTIONS[Math.floor(k / pulls.length) % ACTIONS.length]));
        return { id: `load-${index}-${k}-${crypto.randomUUID()}`, pull, body };
      });
      const handledBefore = web.handled.length;
      const { result, latencies, statuses, elapsedMs } = await fire(deliveries, step.connections);
      await web.settled(handledBefore + step.deliveries);
      sent.push(...deliveries);

      figures.push({
        deliveries: step.deliveries,
        concurrency: step.connections,
        "throughput (deliveries/s)": Math.round((step.deliveries / elapsedMs) * 1000 * 10) / 10,
        "p50 (ms)": Math.round(percentile(latencies, 50)),
        "p99 (ms)": Math.round(percentile(latencies, 99)),
        "max (ms)": Math.round(Math.max(...latencies)),
        "autocannon p99 (ms)": result.latency.p99,
        "elapsed (ms)": Math.round(elapsedMs),
      });

      // Every delivery was answered 2xx, none errored or timed out.
      expect(statuses).toHaveLength(step.deliveries);
      expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
      expect(result.non2xx).toBe(0);
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);

      // Every delivery was handled exactly once, and successfully.
      const handled = web.handled.slice(handledBefore);
      expect(handled.map((h) => h.id).sort()).toEqual(deliveries.map((d) => d.id).sort());
      expect(handled.every((h) => h.ok)).toBe(true);

      // One completed Paved check per head commit, and one plan comment per pull request.
      for (const number of pulls) {
        const runs = fake.checkRuns(APP_REPO, { name: "Paved", headSha: heads.get(number)! });
        expect(runs, `pull request #${number}`).toHaveLength(1);
        expect(runs[0]!.status).toBe("completed");
        // Annotations append on GitHub: a check rewritten by each delivery would repeat them.
        const annotations = runs[0]!.annotations.map((a) => `${a.start_line}:${a.message}`);
        expect(new Set(annotations).size, `pull request #${number}`).toBe(annotations.length);
        const comments = pavedComments(number);
        expect(comments, `pull request #${number}`).toHaveLength(1);
        // …and it is the plan of the head commit, not of whichever delivery finished last.
        expect(comments[0]!.body).toContain(heads.get(number)!.slice(0, 7));
      }
      const perHead = new Map<string, number>();
      for (const run of fake.checkRuns(APP_REPO, { name: "Paved" })) perHead.set(run.headSha, (perHead.get(run.headSha) ?? 0) + 1);
      expect([...perHead.values()].every((n) => n === 1)).toBe(true);
      expect(fake.unhandled).toEqual([]);
    });
  });

  it("writes nothing when a subset of deliveries (of every step, so older heads too) is redelivered with the same ids", async () => {
    const subset = sent.filter((_, k) => k % 7 === 0).slice(0, 30);
    const before = { writes: writes(), checks: fake.checkRuns(APP_REPO).length, comments: pulls.map((n) => pavedComments(n).length) };
    const handledBefore = web.handled.length;
    const { statuses } = await fire(subset, 10);
    await web.settled(handledBefore + subset.length);
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    const extra = fake.calls.slice(-200).filter((c) => c.method !== "GET" && c.path.startsWith("/repos/"));
    expect({ writes: writes(), checks: fake.checkRuns(APP_REPO).length, comments: pulls.map((n) => pavedComments(n).length) }, JSON.stringify(extra.map((c) => `${c.method} ${c.path}`))).toEqual(before);
  });
});
