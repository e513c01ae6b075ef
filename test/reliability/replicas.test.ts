/**
 * Several replicas: what they share, and that it is enough.
 *
 * (a) Writes: nothing but git. Every GitOps commit is a compare-and-swap (`PATCH git/refs` with
 *     `force: false` from the commit the plan was made against); the loser of a race re-reads,
 *     re-plans and retries. Two app instances applying pushes of five source repositories at once
 *     to one GitOps repository: all five land, none overwrites another.
 * (b) Rate limiting: Probot's `redisConfig` (REDIS_URL) puts @octokit/plugin-throttling's Bottleneck
 *     limiters in Redis, so replicas queue GitHub writes together. A real redis-server on a loopback
 *     port, two instances each with its own limiter objects (as two processes would have): both
 *     register with, and count their writes in, the same limiter record in Redis.
 *     Skipped, saying so, when redis-server is not installed.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type Bottleneck from "bottleneck";
import type { Redis as RedisClient } from "ioredis";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import paved from "../../src/index.js";
import { loadConfig } from "../../src/config/load.js";
import { mergedIndex } from "../support/deployed-record.js";
import { desiredFiles } from "../../src/plan/desired.js";
import { desiredState } from "../../src/flows/pipeline.js";
import { defaultTemplates } from "../../src/render/index.js";
import { repositoryPayload, startApp, TEST_PRIVATE_KEY, useApp } from "../support/app-harness.js";
import { withRecordedCommit } from "../../src/plan/ownership-index.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_MANIFEST, GITOPS, deliver, openPull, pullRequestPayload, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

const SOURCES = 5;

let fake: FakeGitHub;

useApp((app) => ({ fake } = app), { start: false });

/** Source i: its own team, namespaces and hosts, so the five never claim the same GitOps paths. */
function manifestOf(i: number): string {
  return EXAMPLE_MANIFEST.replace("owner: payments", `owner: team-${i}`).replace("payments/stripe", `team-${i}/stripe`)
    .replace(/api\.payments\.example\.com/g, `api.team-${i}.example.com`)
    .replace("host: api.example.com", `host: team-${i}.example.com`);
}

function sourcePush(repo: string, after: string) {
  return pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }, "refs/heads/main", repo);
}

function appCommits(): number {
  let count = 0;
  for (let sha: string | undefined = fake.headSha(GITOPS); sha; sha = fake.getCommit(GITOPS, sha).parents[0]) {
    if (fake.getCommit(GITOPS, sha).verified) count++;
  }
  return count;
}

describe("replicas share writes through git's compare-and-swap", () => {
  it(`two instances applying ${SOURCES} sources at once: every source lands, no update is lost`, async () => {
    seedOrg(fake, { manifest: null });
    const replicas = [await startApp(), await startApp()];
    const sources = Array.from({ length: SOURCES }, (_, k) => {
      const repo = `acme/svc-${k + 1}`;
      fake.addRepo(repo, { files: { "platform.yaml": manifestOf(k + 1) } });
      fake.grantTeam(repo, `team-${k + 1}`, "write");
      return { repo, after: fake.headSha(repo, "main") };
    });
    // Hold the first ref update until a second one has arrived: that one lands first, and the held
    // one (planned against the same base) must lose the compare-and-swap and start over.
    const refUpdates = () => fake.callCount({ method: "PATCH", path: `/repos/${GITOPS}/git/refs/heads/main` });
    fake.beforeRefUpdate(
      GITOPS,
      async () => {
        for (let waited = 0; refUpdates() < 2 && waited < 2000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
      },
      { times: 1 },
    );

    await Promise.all(sources.map((s, k) => deliver(replicas[k % 2]!, "push", sourcePush(s.repo, s.after))));

    const config = loadConfig(CONFIG_WITHOUT_APPROVAL, ".github/paved.yml").config!;
    const expected: Record<string, string> = {};
    for (const [k, s] of sources.entries()) {
      const desired = desiredState(manifestOf(k + 1), "platform.yaml", config, { repository: s.repo, id: String(fake.repoState(s.repo).id), sha: s.after }, defaultTemplates());
      // The index records the commit it was applied from.
      const index = { ...desired.index!, content: withRecordedCommit(desired.index!.content, s.after) };
      for (const [path, content] of desiredFiles(desired.rendered, mergedIndex(index, config, s.after))) expected[path] = content;
    }
    const { "README.md": readme, ...managed } = fake.readTree(GITOPS);
    expect(readme).toBe("# GitOps\n");
    expect(Object.keys(managed).sort()).toEqual(Object.keys(expected).sort());
    expect(managed).toEqual(expected);
    expect(appCommits()).toBe(SOURCES);
    const rejected = fake.callCount({ method: "PATCH", path: `/repos/${GITOPS}/git/refs/heads/main`, status: 422 });
    expect(rejected).toBeGreaterThanOrEqual(1);
    for (const s of sources) {
      const [check] = fake.checkRuns(s.repo, { headSha: s.after, name: "Paved" });
      expect(check?.status).toBe("completed");
      expect(check?.conclusion).not.toBe("failure");
    }
    console.log(`replicas: ${SOURCES} sources applied by 2 instances in ${appCommits()} commits; ${rejected} ref update(s) lost the compare-and-swap and were re-planned`);
  });
});

describe("what replicas do not share", () => {
  it("a pull request delivered to two replicas at once: one plan comment, every check completed", async () => {
    seedOrg(fake);
    const replicas = [await startApp(), await startApp()];
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    await Promise.all(replicas.flatMap((probot) => [1, 2].map(() => deliver(probot, "pull_request", pullRequestPayload(fake, pr.number)))));
    // The sticky comment converges across replicas (the oldest is kept, the rest deleted)…
    expect(fake.comments(APP_REPO, pr.number)).toHaveLength(1);
    // …while the per-commit check lock is per process: two replicas may each create a check run.
    // GitHub shows the latest per name; none is left in progress.
    const runs = fake.checkRuns(APP_REPO, { headSha: pr.headSha, name: "Paved" });
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(2);
    for (const run of runs) expect(run.status).toBe("completed");
    console.log(`replicas: 4 concurrent deliveries of one pull request on 2 instances → ${runs.length} check run(s), 1 comment`);
  });
});

// ---- Redis ------------------------------------------------------------------------------------

const redisServer = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
})();
// ioredis is an optional dependency (Probot imports it only with redisConfig): without it, skip too.
const Redis = await import("ioredis").then(
  (m) => m.Redis,
  () => null,
);
const redisMissing = !redisServer ? "redis-server is not installed (apt-get install redis-server)" : !Redis ? "ioredis (an optional dependency) is not installed" : null;
if (redisMissing) console.warn(`${redisMissing}: the shared rate-limiting test is skipped`);

let redis: ChildProcess | undefined;
let redisUrl = "";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  if (redisMissing) return;
  const port = await freePort();
  redis = spawn(redisServer!, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  redisUrl = `redis://127.0.0.1:${port}`;
  const client: RedisClient = new Redis!(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined); // refused until the server listens: retried below
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      client.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  client.disconnect();
});

afterAll(async () => {
  if (!redis || redis.exitCode !== null) return;
  const exited = new Promise((resolve) => redis!.once("exit", resolve));
  redis.kill("SIGTERM");
  await exited;
});

/**
 * A replica as Probot builds it with `redisConfig`, throttling on. @octokit/plugin-throttling keeps
 * its default limiters in module state, which every instance of one process shares; a replica here
 * gets its own write and notification limiters (same ids, same Redis) so that, as between two
 * processes, only Redis connects them. They are spaced 50 ms instead of 1 s and 3 s, to keep the test short.
 */
function replica(name: string): { probot: Probot; disconnect: () => void } {
  let write: Bottleneck.Group | undefined;
  let notifications: Bottleneck.Group | undefined;
  let connection: Bottleneck.IORedisConnection | undefined;
  const probot = new Probot({
    appId: 1,
    privateKey: TEST_PRIVATE_KEY,
    secret: "test-secret",
    logLevel: "fatal",
    redisConfig: redisUrl,
    Octokit: ProbotOctokit.defaults((instance: Record<string, any>) => {
      const throttle = instance.throttle as { Bottleneck: typeof Bottleneck; connection: Bottleneck.IORedisConnection };
      expect(throttle.connection, `${name}: Probot passes a Redis connection to the throttling plugin`).toBeDefined();
      connection = throttle.connection;
      write ??= new throttle.Bottleneck.Group({ id: "octokit-write", maxConcurrent: 1, minTime: 50, timeout: 120_000, connection });
      notifications ??= new throttle.Bottleneck.Group({ id: "octokit-notifications", maxConcurrent: 1, minTime: 50, timeout: 120_000, connection });
      return { ...instance, retry: { enabled: false }, throttle: { ...throttle, write, notifications } };
    }),
  });
  return { probot, disconnect: () => void connection?.disconnect(false) };
}

describe("replicas share rate limiting through Redis (REDIS_URL)", () => {
  it.skipIf(redisMissing !== null)("two instances with redisConfig queue their writes in one limiter record in Redis", async () => {
    seedOrg(fake);
    const replicas = [replica("replica-1"), replica("replica-2")];
    const instances = replicas.map((r) => r.probot);
    for (const probot of instances) await probot.load(paved);
    const pulls = [1, 2, 3, 4].map((n) => openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", `replicas: ${3 + n}`) }, { branch: `replica-${n}` }));
    await Promise.all(pulls.map((pr, k) => deliver(instances[k % 2]!, "pull_request", pullRequestPayload(fake, pr.number))));
    for (const pr of pulls) {
      expect(fake.checkRuns(APP_REPO, { headSha: pr.headSha, name: "Paved" })[0]?.status).toBe("completed");
      expect(fake.comments(APP_REPO, pr.number)).toHaveLength(1);
    }

    const client: RedisClient = new Redis!(redisUrl);
    try {
      const keys = (await client.keys("b_*")).sort();
      const writeSettings = keys.find((k) => /^b_octokit-write-.*_settings$/.test(k));
      expect(writeSettings, `limiter keys in Redis: ${keys.join(", ")}`).toBeDefined();
      expect(keys.some((k) => /^b_octokit-global-/.test(k)), keys.join(", ")).toBe(true);
      const prefix = writeSettings!.replace(/_settings$/, "");
      // One limiter record, two clients registered with it: one per replica.
      const clients = await client.zrange(`${prefix}_client_last_registered`, 0, -1);
      expect(clients).toHaveLength(2);
      // …and it counted the writes of both.
      const done = Number(await client.hget(writeSettings!, "done"));
      const writes = fake.calls.filter((c) => c.method !== "GET" && !c.path.endsWith("/access_tokens")).length;
      expect(done).toBe(writes);
      console.log(`redis: ${keys.length} Bottleneck keys (${keys.filter((k) => k.endsWith("_settings")).join(", ")}); the write limiter saw ${clients.length} clients and ${done} writes`);
    } finally {
      client.disconnect();
      for (const r of replicas) r.disconnect();
    }
  });
});
