/**
 * The contract between the webhook endpoint (which only verifies and enqueues) and the workers.
 *
 * - `enqueue` is idempotent on the delivery id: GitHub's redeliveries keep `X-GitHub-Delivery`, so
 *   a delivery already queued, running or recently handled is a `duplicate` and does nothing.
 * - Deliveries with the same `coalesceKey` (events for one pull request head) coalesce: a worker
 *   that picks one which is no longer the latest for its key skips it, since the latest will plan
 *   the state as it is then. A delivery being handled is never cut short by a newer one.
 * - A handler that throws is retried with backoff, a bounded number of times.
 * - `close(graceMs)` stops taking work and waits up to `graceMs` for the deliveries in flight; what
 *   is still running then is handed back (durable queue: another worker resumes it once its lock
 *   lapses) or abandoned (in-process queue), and `close` says which.
 */
export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
  /** Epoch ms when the webhook was received. */
  receivedAt: number;
  coalesceKey?: string;
}

export type EnqueueResult = "queued" | "duplicate";

export type DeliveryHandler = (delivery: Delivery, attempt: number) => Promise<"processed" | "superseded">;

export interface QueueStats {
  waiting: number;
  active: number;
  /** ms the oldest waiting delivery has waited; 0 when none waits. */
  oldestWaitingMs: number;
}

export interface DeliveryQueue {
  /** Survives the process (a crash or a deploy loses nothing). */
  readonly durable: boolean;
  enqueue(delivery: Delivery): Promise<EnqueueResult>;
  /** Starts `concurrency` workers on `handler`. */
  process(handler: DeliveryHandler, concurrency: number): void;
  /** Whether `coalesceKey`'s latest delivery is `id` (true when the key has none recorded). */
  isLatest(coalesceKey: string, id: string): Promise<boolean>;
  /** Whether the delivery is still queued, running or due for a retry. */
  isPending(id: string): Promise<boolean>;
  stats(): Promise<QueueStats>;
  close(graceMs: number): Promise<{ handedBack: number; abandoned: number }>;
}

export const RETRY_ATTEMPTS = Number(process.env.PAVED_JOB_ATTEMPTS) || 4;
export const RETRY_BASE_MS = Number(process.env.PAVED_JOB_BACKOFF_MS) || 2_000;

/** Exponential backoff with jitter, as BullMQ's "exponential" (base × 2^(attempt-1)), ±25 %. */
export function retryDelay(attempt: number, baseMs = RETRY_BASE_MS): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
}
