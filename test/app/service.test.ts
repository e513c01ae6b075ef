/**
 * The service around the app (what `npm start` runs), in process on loopback against the fake
 * GitHub: the webhook endpoint acknowledges and queues, and the operability endpoints say what an
 * orchestrator and an operator need to know.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startService, type Service } from "../../src/app/service.js";
import { testProbot, TEST_PRIVATE_KEY, useApp } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_MANIFEST, openPull, pullRequestPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { eventually } from "../reliability/support/burst.js";
import { sign, SECRET } from "../reliability/support/webhook-server.js";
import { Probot, ProbotOctokit } from "probot";

let fake: FakeGitHub;
let service: Service | undefined;
let lines: string[];

async function start(): Promise<Service> {
  lines = [];
  const log = pino({ level: "info" }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const probot = new Probot({
    appId: 1,
    privateKey: TEST_PRIVATE_KEY,
    secret: SECRET,
    log,
    Octokit: ProbotOctokit.defaults((instance: Record<string, any>) => ({ ...instance, throttle: { ...instance.throttle, enabled: false }, retry: { enabled: false } })),
  });
  void testProbot; // the same set-up as the other app tests, with a logger the test can read
  service = await startService({ credentials: { appId: 1, privateKey: TEST_PRIVATE_KEY, secret: SECRET }, env: { PORT: "0", HOST: "127.0.0.1" }, probot });
  return service;
}

useApp((app) => ({ fake } = app), { start: false });
// Runs before useApp's checks: the service's queue is drained first.
afterEach(async () => {
  await service?.drain();
  service = undefined;
});

function post(s: Service, name: string, id: string, body: string, signature = sign(body)) {
  return fetch(`${s.url}/api/github/webhooks`, {
    method: "POST",
    // A fresh connection each time: services come and go on reused ports in this file.
    headers: { connection: "close", "content-type": "application/json", "x-github-event": name, "x-github-delivery": id, "x-hub-signature-256": signature },
    body,
  });
}

describe("the service", () => {
  it("acknowledges a signed delivery with 202 before handling it, and plans it from the queue", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    const s = await start();
    // GitHub is slow: the answer must not wait for it.
    fake.delayNext({ method: "GET", pathMatch: /\/git\/trees\//, ms: 1_000 });
    const response = await post(s, "pull_request", "d-1", JSON.stringify(pullRequestPayload(fake, pr.number)));
    expect(response.status).toBe(202);
    expect(fake.checkRuns(APP_REPO, { name: "Paved" }).filter((r) => r.status === "completed")).toHaveLength(0);
    await eventually("the check completed", () => fake.checkRuns(APP_REPO, { headSha: pr.headSha, name: "Paved" })[0]?.status === "completed", 20_000);
    expect(fake.unhandled).toEqual([]);
  });

  it("refuses a forged delivery with one log line that does not carry its body, and calls GitHub for nothing", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const s = await start();
    const body = JSON.stringify(pullRequestPayload(fake, pr.number)).replace('"opened"', '"opened","note":"SECRET-LOOKING-BODY"');
    const calls = fake.calls.length;
    const before = lines.length;
    const forged = await post(s, "pull_request", "forged-1", body, sign(body, "not-the-secret"));
    expect(forged.status).toBe(401);
    const unsigned = await post(s, "pull_request", "forged-2", body, "");
    expect(unsigned.status).toBe(401);
    const logged = lines.slice(before);
    expect(logged).toHaveLength(2);
    expect(logged.join("")).not.toContain("SECRET-LOOKING-BODY");
    expect(logged[0]).toContain("invalid signature");
    expect(fake.calls.length).toBe(calls);
  });

  it("makes no GitHub call for a delivery without an installation, nor for an event it does not act on", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const s = await start();
    const payload = pullRequestPayload(fake, pr.number);
    delete payload.installation;
    expect((await post(s, "pull_request", "no-installation", JSON.stringify(payload))).status).toBe(200);
    const closed = { ...pullRequestPayload(fake, pr.number), action: "assigned" };
    expect((await post(s, "pull_request", "assigned", JSON.stringify(closed))).status).toBe(200);
    expect((await post(s, "star", "star", JSON.stringify({ action: "created", installation: { id: 1 } }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.calls).toEqual([]);
  });

  it("answers /healthz, /readyz (not ready when GitHub refuses the credentials, nor while draining) and /metrics", async () => {
    seedOrg(fake);
    const s = await start();
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.url}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, "ready\n"]);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    for (const name of ["paved_deliveries_total", "paved_queue_depth", "paved_queue_oldest_age_seconds", "paved_delivery_handling_seconds", "paved_github_requests_total", "paved_github_rate_limit_remaining", "paved_apply_attempts_total", "paved_apply_conflicts_total"]) {
      expect(metrics, name).toContain(`# TYPE ${name}`);
    }

    const draining = s.drain();
    const during = await fetch(`${s.url}/readyz`).catch(() => undefined);
    // Either refused outright (the listener is closed) or told it is not ready.
    if (during) expect(during.status).toBe(503);
    await draining;
    service = undefined;

    // A second service whose credentials GitHub refuses.
    fake.failNext({ method: "GET", pathMatch: /^\/app$/, status: 401, body: { message: "A JSON web token could not be decoded" } });
    const refused = await start();
    const notReady = await fetch(`${refused.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain("credentials");
  });
});
