/**
 * The real HTTP entry (Probot's createNodeMiddleware on node:http, loopback only) with the app's
 * handlers counted, so a test knows when every delivery has been handled — even one that the
 * middleware already answered with 202 because it took longer than GitHub's 10 s.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, type Probot } from "probot";
import paved from "../../../src/index.js";

export const SECRET = "test-secret";
export const WEBHOOK_PATH = "/api/github/webhooks";

export interface Handled {
  id: string;
  name: string;
  ok: boolean;
}

export interface WebhookServer {
  url: string;
  server: Server;
  /** Every delivery whose handler settled, in order of settling. */
  handled: Handled[];
  /** Resolves once `count` handlers have settled (or rejects after `timeoutMs`). */
  settled(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookServer(probot: Probot): Promise<WebhookServer> {
  const handled: Handled[] = [];
  let waiters: Array<() => void> = [];
  const note = (entry: Handled) => {
    handled.push(entry);
    for (const wake of waiters) wake();
  };
  // The app as shipped, with each handler wrapped to record that it ran (and how it ended).
  const counted = (app: Probot) => {
    const on = app.on.bind(app) as (events: unknown, handler: (context: { id: string; name: string }) => Promise<void>) => void;
    (app as unknown as { on: typeof on }).on = (events, handler) =>
      on(events, async (context) => {
        try {
          await handler(context);
          note({ id: context.id, name: context.name, ok: true });
        } catch (error) {
          note({ id: context.id, name: context.name, ok: false });
          throw error;
        }
      });
    paved(app);
  };
  const middleware = await createNodeMiddleware(counted, { probot, webhooksPath: WEBHOOK_PATH });
  const server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  // Loopback only: the load generator and the server share this process and this machine.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  return {
    url,
    server,
    handled,
    settled(count, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(new Error(`only ${handled.length} of ${count} deliveries were handled within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (handled.length < count) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve();
        };
        waiters.push(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sign(body: string, secret: string = SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** p-th percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
