/**
 * The service as a process (`node dist/server.js`, what `npm start` and the container run) against
 * the fake GitHub served on loopback, with production settings (throttling on): it refuses an
 * unsafe start, drains on SIGTERM, and — with Redis — a worker killed with SIGKILL in the middle of
 * an apply loses nothing: after a restart the job completes and is applied exactly once.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_REPO, EXAMPLE_MANIFEST, GITOPS, openPull, pullRequestPayload, pushPayload, seedOrg } from "../support/app-world.js";
import { useApp } from "../support/app-harness.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { eventually } from "./support/burst.js";
import { productionEnv, redisServerPath, runToExit, startRedis, startServiceProcess, type RedisProcess } from "./support/processes.js";
import { sign } from "./support/webhook-server.js";

let fake: FakeGitHub;
let served: Awaited<ReturnType<FakeGitHub["serve"]>>;

useApp((app) => ({ fake } = app), { start: false, scope: "file" });
beforeAll(async () => {
  served = await fake.serve();
});

afterAll(async () => {
  await served?.close();
});

function post(url: string, name: string, id: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return fetch(`${url}/api/github/webhooks`, {
    method: "POST",
    headers: { connection: "close", "content-type": "application/json", "x-github-event": name, "x-github-delivery": id, "x-hub-signature-256": sign(body) },
    body,
  });
}

describe("a production start", () => {
  it("refuses to start without WEBHOOK_SECRET, in one line, and makes no GitHub call", async () => {
    const env = productionEnv(served.host);
    delete env.WEBHOOK_SECRET;
    const calls = fake.calls.length;
    const { code, stderr, stdout } = await runToExit(env);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual(["paved: refusing to start: WEBHOOK_SECRET is not set (NODE_ENV=production); set it to the GitHub App's webhook secret"]);
    expect(stdout).toBe("");
    expect(fake.calls.length).toBe(calls);
  });

  it("refuses to start with an unreadable or invalid private key, in one line that does not echo the key", async () => {
    const missing = await runToExit({ ...productionEnv(served.host), PRIVATE_KEY: "", PRIVATE_KEY_PATH: "/nonexistent/paved.pem" });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toEqual(["paved: refusing to start: PRIVATE_KEY_PATH /nonexistent/paved.pem cannot be read (ENOENT); mount the GitHub App's .pem file there"]);
    const dir = mkdtempSync(join(tmpdir(), "paved-key-"));
    writeFileSync(join(dir, "bad.pem"), "-----BEGIN RSA PRIVATE KEY-----\nnot-a-key-SECRETBITS\n-----END RSA PRIVATE KEY-----\n");
    const invalid = await runToExit({ ...productionEnv(served.host), PRIVATE_KEY: "", PRIVATE_KEY_PATH: join(dir, "bad.pem") });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim().split("\n")).toHaveLength(1);
    expect(invalid.stderr).toContain("is not a valid PEM private key");
    expect(invalid.stderr).not.toContain("SECRETBITS");
  });
});

describe("SIGTERM", () => {
  it("stops taking work, finishes the delivery in flight, and exits 0", { timeout: 60_000 }, async () => {
    fake.reset();
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 5") }, { branch: "drain" });
    const service = await startServiceProcess(productionEnv(served.host, { PAVED_DRAIN_MS: "30000" }));
    // GitHub is slow to answer the tree read: the delivery is in flight when SIGTERM arrives.
    fake.delayNext({ method: "GET", pathMatch: /\/git\/trees\//, ms: 2_000 });
    expect((await post(service.url, "pull_request", "drain-1", pullRequestPayload(fake, pr.number))).status).toBe(202);
    await eventually("the tree read started", () => fake.calls.some((c) => c.method === "GET" && /\/git\/trees\//.test(c.path)), 20_000);
    service.child.kill("SIGTERM");
    // A signal is delivered asynchronously: once /readyz says draining (or the server has closed), no new work is taken.
    await eventually(
      "the service is draining",
      () => fetch(`${service.url}/readyz`, { headers: { connection: "close" } }).then((r) => r.status === 503, () => true),
      20_000,
    );
    const late = await post(service.url, "pull_request", "drain-2", pullRequestPayload(fake, pr.number)).catch(() => undefined);
    if (late) expect(late.status).toBe(503);
    expect(await service.exited).toBe(0);
    const checks = fake.checkRuns(APP_REPO, { headSha: pr.headSha, name: "Paved" });
    // neutral: the example manifest has a warning (production by tag, not digest).
    expect(checks.map((c) => [c.status, c.conclusion])).toEqual([["completed", "neutral"]]);
    expect(fake.comments(APP_REPO, pr.number).filter((c) => c.body.includes("paved:plan"))).toHaveLength(1);
  });
});

const redisServer = redisServerPath();

describe.skipIf(!redisServer)(`with Redis${redisServer ? "" : " (skipped: redis-server is not installed; apt-get install redis-server)"}`, () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis(redisServer!);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("a worker killed with SIGKILL in the middle of an apply loses nothing: after a restart the job completes, applied once", { timeout: 90_000 }, async () => {
    fake.reset();
    seedOrg(fake);
    const env = productionEnv(served.host, { REDIS_URL: redis.url, PAVED_QUEUE_LOCK_MS: "2000" });
    const first = await startServiceProcess(env);
    const after = fake.headSha(APP_REPO, "main");
    // The atomic commit is under way when the worker dies: its tree write is held by "GitHub".
    fake.delayNext({ method: "POST", pathMatch: /^\/repos\/acme\/gitops\/git\/trees$/, ms: 3_000 });
    expect((await post(first.url, "push", "push-1", pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }))).status).toBe(202);
    await eventually("the GitOps tree write started", () => fake.calls.some((c) => c.method === "POST" && c.path === `/repos/${GITOPS}/git/trees`), 30_000);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    await fake.idle();
    expect(fake.callCount({ method: "PATCH", path: /\/git\/refs\// })).toBe(0);

    const second = await startServiceProcess(env);
    await eventually(
      "the check on the pushed commit completed",
      () => fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" }).some((c) => c.status === "completed"),
      60_000,
    );
    const checks = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" });
    // neutral: the example manifest has a warning (production by tag, not digest).
    expect(checks.map((c) => [c.status, c.conclusion])).toEqual([["completed", "neutral"]]);
    // Applied exactly once: one Paved commit on the GitOps branch, holding the rendered files.
    const paved = fake.getCommit(GITOPS, "main");
    expect(paved.message).toMatch(/^paved: acme\/payments@/);
    expect(fake.getCommit(GITOPS, paved.parents[0]!).message).toBe("Initial commit");
    expect(Object.keys(fake.readTree(GITOPS)).some((p) => p.endsWith("application.yaml"))).toBe(true);
    expect(fake.callCount({ method: "PATCH", path: /\/git\/refs\//, status: 200 })).toBe(1);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
