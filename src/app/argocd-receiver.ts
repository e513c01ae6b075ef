import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions, Probot } from "probot";
import { parseArgoEvent } from "../feedback/argocd-event.js";
import { recordArgoEvent, sweepOverdue, type FeedbackClients } from "../flows/argocd-feedback.js";
import { keyedLock } from "../github/keyed-lock.js";
import { readOrgSettings } from "../github/org-settings.js";
import { GITHUB_REQUEST_TIMEOUT_MS } from "./request-timeout.js";

/**
 * The endpoint Argo CD Notifications' webhook service posts to (render/argocd-notifications.ts).
 * That service signs nothing, so a bearer token from the environment is the only way in: compared
 * in constant time, and with no token configured every request is refused. The body is bounded
 * and read only once the token matched; what it says is looked up through GitHub before anything
 * is written (argocd-feedback.ts).
 */
export const ARGOCD_EVENTS_PATH = "/api/argocd/events";

const env = {
  token: () => process.env.PAVED_ARGOCD_TOKEN ?? "",
  maxBodyBytes: () => Number(process.env.PAVED_ARGOCD_MAX_BODY_BYTES) || 256 * 1024,
  timeoutMs: () => (Number(process.env.PAVED_ARGOCD_TIMEOUT_MINUTES) || 30) * 60_000,
  /** 0 turns the timer off (sweeps then run on events only). */
  sweepMs: () => Number(process.env.PAVED_ARGOCD_SWEEP_MINUTES ?? 10) * 60_000,
};

/** Mounts the receiver on the app's HTTP server, and the periodic sweep when feedback is configured. */
export function mountArgoFeedback(app: Probot, options: ApplicationFunctionOptions | undefined): void {
  try {
    options?.addHandler(argoReceiver(app));
  } catch {
    // Loaded without an HTTP server (`probot receive`, tests of events alone): nothing to mount.
    return;
  }
  if (!env.token() || !(env.sweepMs() > 0)) return;
  const tick = () => {
    if (env.token()) void sweepAll(app, Date.now()).catch((err: unknown) => app.log.warn({ err }, "sweeping for Argo CD feedback failed"));
  };
  setInterval(tick, env.sweepMs()).unref();
}

export function argoReceiver(app: Probot) {
  const lastSweep = new Map<string, number>();
  const serialise = keyedLock();
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (new URL(req.url ?? "/", "http://paved").pathname !== ARGOCD_EVENTS_PATH) return false;
    if (req.method !== "POST") return reply(res, 405, { error: "POST only" });
    const token = env.token();
    if (!token) return reply(res, 503, { error: "Argo CD feedback is not configured: set PAVED_ARGOCD_TOKEN" });
    if (!bearerMatches(req.headers.authorization, token)) return reply(res, 401, { error: "missing or wrong bearer token" });
    const body = await readBounded(req, env.maxBodyBytes());
    if (body === null) {
      res.setHeader("connection", "close"); // the rest of the body is not read
      return reply(res, 413, { error: `the body is larger than ${env.maxBodyBytes()} bytes` });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return reply(res, 400, { error: "the body is not JSON" });
    }
    const parsed = parseArgoEvent(json);
    if (!parsed.ok) return reply(res, 400, { error: parsed.reason });
    const now = Date.now();
    try {
      const result = await recordArgoEvent(clients(app), parsed.event, {
        log: app.log,
        now,
        timeoutMs: env.timeoutMs(),
        serialise,
        shouldSweep: (gitops) => {
          if (now - (lastSweep.get(gitops) ?? 0) < (env.sweepMs() || 10 * 60_000)) return false;
          lastSweep.set(gitops, now);
          return true;
        },
      });
      return reply(res, 200, result);
    } catch (error) {
      app.log.error({ err: error }, "recording an Argo CD event failed");
      // 5xx: Argo CD's webhook service retries, and a retried event is applied at most once.
      return reply(res, 502, { error: `Paved could not record this event: ${(error as Error).message}` });
    }
  };
}

/** Every installation's overdue deployments (the timer); each replica may run it, the result is the same. */
export async function sweepAll(app: Probot, now: number): Promise<number> {
  const appClient = await app.auth();
  const installations = (await appClient.paginate("GET /app/installations", { per_page: 100 })) as Array<{ id: number; app_id: number; account: { login: string } | null }>;
  let marked = 0;
  for (const installation of installations) {
    if (!installation.account) continue;
    const gh = withDeadline(await app.auth(installation.id));
    const settings = await readOrgSettings(gh, installation.account.login);
    if (!settings.ok) continue;
    marked += await sweepOverdue(gh, settings.config, installation.app_id, { log: app.log, now, timeoutMs: env.timeoutMs() });
  }
  return marked;
}

function clients(app: Probot): FeedbackClients {
  return {
    app: async () => withDeadline(await app.auth()),
    installation: async (id) => withDeadline(await app.auth(id)),
  };
}

/** Each GitHub call gets a deadline, as in the event handlers (request-timeout.ts). */
function withDeadline<T extends { hook: { before: (name: "request", hook: (options: { request?: unknown }) => void) => void } }>(octokit: T): T {
  octokit.hook.before("request", (options) => {
    const request = (options.request ??= {}) as { signal?: AbortSignal };
    request.signal ??= AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS);
  });
  return octokit;
}

/** Constant time whatever the guess: both sides are hashed to the same length first. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? "")?.[1] ?? "";
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(presented), digest(token)) && presented !== "";
}

/** The body as text, or null as soon as it passes `limit` bytes (the rest is not read). */
function readBounded(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  return true;
}
