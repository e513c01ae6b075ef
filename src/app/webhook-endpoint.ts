import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger, Probot } from "probot";
import { isHandled } from "./index.js";
import { ackSeconds, deliveries } from "./metrics.js";
import { coalesceKey } from "./queue/coalesce.js";
import type { DeliveryQueue } from "./queue/delivery-queue.js";

/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface EndpointOptions {
  probot: Probot;
  queue: DeliveryQueue;
  log: Pick<Logger, "info" | "warn" | "error">;
  draining: () => boolean;
}

/**
 * Acknowledges first: a delivery is verified (its signature), filtered (events Paved acts on, with
 * an installation) and enqueued, then answered — 202 queued, 200 duplicate or ignored — in
 * milliseconds; workers handle it later. A forged delivery gets 401 and one log line, never its body.
 */
export function webhookEndpoint({ probot, queue, log, draining }: EndpointOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const stop = ackSeconds.startTimer();
    const answer = (status: number, message: string) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ message }));
      stop();
    };
    const id = header(req, "x-github-delivery");
    const name = header(req, "x-github-event");
    const signature = header(req, "x-hub-signature-256");
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return answer(413, "payload too large");
    }
    if (!id || !name || !signature || !(await probot.webhooks.verify(body, signature).catch(() => false))) {
      deliveries.inc({ event: name || "unknown", outcome: "forged" });
      log.warn({ delivery: id.slice(0, 64), event: name.slice(0, 64) }, "refused a webhook delivery: missing or invalid signature");
      return answer(401, "signature does not match");
    }
    if (draining()) return answer(503, "shutting down; GitHub can redeliver");
    let payload: { action?: unknown; installation?: { id?: unknown } };
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      return answer(400, "body is not JSON");
    }
    if (!isHandled(name, payload.action)) {
      deliveries.inc({ event: name, outcome: "ignored" });
      return answer(200, "ignored");
    }
    // No installation, no token: nothing Paved could do would be allowed, so it calls nothing.
    if (typeof payload.installation?.id !== "number") {
      deliveries.inc({ event: name, outcome: "no_installation" });
      return answer(200, "ignored: no installation");
    }
    const key = coalesceKey(name, payload);
    try {
      const result = await queue.enqueue({ id, name, payload, receivedAt: Date.now(), ...(key ? { coalesceKey: key } : {}) });
      deliveries.inc({ event: name, outcome: result });
      return answer(result === "queued" ? 202 : 200, result);
    } catch (error) {
      log.error({ delivery: id, event: name, err: (error as Error).message }, "could not enqueue a delivery");
      return answer(503, "could not queue the delivery; GitHub can redeliver");
    }
  };
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error("too large"));
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
