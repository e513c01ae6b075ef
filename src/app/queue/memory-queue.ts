import { RETRY_ATTEMPTS, retryDelay, type Delivery, type DeliveryHandler, type DeliveryQueue, type EnqueueResult, type QueueStats } from "./delivery-queue.js";

/** How many handled delivery ids are remembered, to ignore redeliveries (GitHub redelivers within days, by hand or after an outage). */
const REMEMBERED = 50_000;

/**
 * The embedded queue when there is no Redis: one process, in memory. It does not survive the
 * process: deliveries waiting or running when it crashes are lost (GitHub shows them delivered),
 * and a graceful stop abandons what is still running after the grace period. Replicas do not share
 * it, so a redelivery that reaches another replica is handled there (idempotently, by the flows).
 */
export class MemoryQueue implements DeliveryQueue {
  readonly durable = false;
  private readonly waiting: Array<{ delivery: Delivery; attempt: number }> = [];
  private readonly active = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly seen = new Set<string>();
  private readonly latest = new Map<string, string>();
  private handler: DeliveryHandler | undefined;
  private concurrency = 1;
  private closing = false;

  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    if (this.closing) throw new Error("the queue is closing");
    if (this.seen.has(delivery.id)) return "duplicate";
    this.remember(delivery.id);
    if (delivery.coalesceKey) this.latest.set(delivery.coalesceKey, delivery.id);
    this.waiting.push({ delivery, attempt: 1 });
    this.pump();
    return "queued";
  }

  process(handler: DeliveryHandler, concurrency: number): void {
    this.handler = handler;
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  async isLatest(coalesceKey: string, id: string): Promise<boolean> {
    const latest = this.latest.get(coalesceKey);
    return latest === undefined || latest === id;
  }

  async isPending(id: string): Promise<boolean> {
    return this.active.has(id) || this.retries.has(id) || this.waiting.some((w) => w.delivery.id === id);
  }

  async stats(): Promise<QueueStats> {
    const oldest = this.waiting[0]?.delivery.receivedAt;
    return { waiting: this.waiting.length + this.retries.size, active: this.active.size, oldestWaitingMs: oldest === undefined ? 0 : Date.now() - oldest };
  }

  async close(graceMs: number): Promise<{ handedBack: number; abandoned: number }> {
    this.closing = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    const abandonedRetries = this.retries.size + this.waiting.length;
    this.retries.clear();
    this.waiting.length = 0;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.active.values()]), graceOver]);
    clearTimeout(timer);
    return { handedBack: 0, abandoned: abandonedRetries + this.active.size };
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.values().next().value!);
  }

  private pump(): void {
    while (this.handler && !this.closing && this.active.size < this.concurrency && this.waiting.length > 0) {
      const { delivery, attempt } = this.waiting.shift()!;
      const run = this.run(this.handler, delivery, attempt).finally(() => {
        this.active.delete(delivery.id);
        this.pump();
      });
      this.active.set(delivery.id, run);
    }
  }

  private async run(handler: DeliveryHandler, delivery: Delivery, attempt: number): Promise<void> {
    try {
      await handler(delivery, attempt);
      if (delivery.coalesceKey && this.latest.get(delivery.coalesceKey) === delivery.id) this.latest.delete(delivery.coalesceKey);
    } catch {
      if (attempt >= RETRY_ATTEMPTS || this.closing) return;
      const timer = setTimeout(() => {
        this.retries.delete(delivery.id);
        this.waiting.push({ delivery, attempt: attempt + 1 });
        this.pump();
      }, retryDelay(attempt));
      this.retries.set(delivery.id, timer);
    }
  }
}
