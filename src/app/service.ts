import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createProbot, type Logger, type Probot } from "probot";
import paved from "./index.js";
import { queueDepth, queueOldestAge, registry } from "./metrics.js";
import { localLedger, redisLedger, type CheckLedger } from "./queue/check-ledger.js";
import type { DeliveryQueue } from "./queue/delivery-queue.js";
import { MemoryQueue } from "./queue/memory-queue.js";
import { RedisQueue } from "./queue/redis-queue.js";
import { concludeOpen, deliveryWorker, sweepOpenChecks } from "./queue/worker.js";
import type { Credentials } from "./startup.js";
import { webhookEndpoint } from "./webhook-endpoint.js";

type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | void | Promise<boolean | void>;

export interface ServiceOptions {
  credentials: Credentials;
  env?: NodeJS.ProcessEnv;
  /** Probot options for tests (a custom Octokit); production takes Probot's defaults from the environment. */
  probot?: Probot;
}

export interface Service {
  url: string;
  server: Server;
  probot: Probot;
  queue: DeliveryQueue;
  ledger: CheckLedger;
  /** Stop taking work, finish or hand back what is in flight within the grace period, close. */
  drain(): Promise<{ handedBack: number; abandoned: number }>;
}

/**
 * The app as a service: the webhook endpoint that acknowledges at once, the queue and its workers,
 * `/healthz` (the process answers), `/readyz` (not draining, GitHub accepts the app's credentials,
 * Redis answers when used), `/metrics` (Prometheus), and any handler the app adds (`addHandler`).
 */
export async function startService({ credentials, env = process.env, probot: given }: ServiceOptions): Promise<Service> {
  const probot =
    given ??
    createProbot({ env, overrides: { appId: credentials.appId, privateKey: credentials.privateKey, secret: credentials.secret } });
  await probot.ready();
  const log: Logger = probot.log.child({ name: "paved" });
  const redis = env.REDIS_URL ? new RedisQueue(env.REDIS_URL) : undefined;
  const queue: DeliveryQueue = redis ?? new MemoryQueue();
  const ledger = redis ? redisLedger(redis.client) : localLedger(env.PAVED_STATE_DIR ? join(env.PAVED_STATE_DIR, "checks-in-progress.json") : undefined);

  const added: HttpHandler[] = [];
  await probot.load(paved, { cwd: process.cwd(), addHandler: (handler) => void added.push(handler as HttpHandler) });

  let draining = false;
  const credentialsOk = credentialCheck(probot, log);
  const webhookPath = env.WEBHOOK_PATH || "/api/github/webhooks";
  const endpoint = webhookEndpoint({ probot, queue, log, draining: () => draining });

  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      log.error({ err: (error as Error).message, path: req.url }, "request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === webhookPath) return endpoint(req, res);
    if (req.method === "GET" && path === "/healthz") return void res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    if (req.method === "GET" && path === "/readyz") {
      const problems = [
        ...(draining ? ["draining"] : []),
        ...((await credentialsOk()) ? [] : ["GitHub refused the app's credentials (or did not answer)"]),
        ...(redis && !(await redis.ping()) ? ["Redis does not answer"] : []),
      ];
      return void res.writeHead(problems.length ? 503 : 200, { "content-type": "text/plain" }).end(problems.length ? `not ready: ${problems.join("; ")}\n` : "ready\n");
    }
    if (req.method === "GET" && path === "/metrics") {
      const stats = await queue.stats().catch(() => undefined);
      if (stats) {
        queueDepth.set({ state: "waiting" }, stats.waiting);
        queueDepth.set({ state: "active" }, stats.active);
        queueOldestAge.set(stats.oldestWaitingMs / 1000);
      }
      return void res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
    }
    for (const handler of added) if (await handler(req, res)) return;
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // PORT=0 asks the OS for a free port (the tests do); only an unset PORT means 3000.
    server.listen(env.PORT ? Number(env.PORT) : 3000, env.HOST || "localhost", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  log.info({ queue: queue.durable ? "redis" : "in-process" }, `Paved listening on http://${host}:${address.port}`);

  queue.process(deliveryWorker({ probot, queue, ledger, log }), Number(env.PAVED_CONCURRENCY) || 4);
  void sweepOpenChecks(probot, queue, ledger)
    .then((n) => n > 0 && log.warn({ concluded: n }, "concluded checks a previous process left in progress"))
    .catch((error: unknown) => log.warn({ err: (error as Error).message }, "could not sweep checks left in progress"));

  const graceMs = Number(env.PAVED_DRAIN_MS) || 25_000;
  return {
    url: `http://${host}:${address.port}`,
    server,
    probot,
    queue,
    ledger,
    async drain() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const result = await queue.close(graceMs);
      if (!queue.durable) {
        // What the in-process queue could not finish is lost with the process: its checks say so.
        await concludeOpen(probot, ledger, await ledger.list(), "Paved was stopped while computing this check. Re-run the check to compute it again.");
      }
      server.closeAllConnections();
      await closed;
      log.info(result, "stopped");
      return result;
    },
  };
}

/** Whether GitHub accepts the app's JWT (`GET /app`); asked at most once a minute. */
function credentialCheck(probot: Probot, log: Pick<Logger, "warn">): () => Promise<boolean> {
  let last: { at: number; ok: Promise<boolean> } | undefined;
  return () => {
    if (last && Date.now() - last.at < 60_000) return last.ok;
    const ok = probot
      .auth()
      .then((octokit) => octokit.request("GET /app", { request: { signal: AbortSignal.timeout(10_000) } }))
      .then(() => true)
      .catch((error: unknown) => {
        log.warn({ status: (error as { status?: number }).status, err: (error as Error).message }, "GitHub did not accept the app's credentials");
        return false;
      });
    last = { at: Date.now(), ok };
    return ok;
  };
}
