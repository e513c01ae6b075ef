import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { RETRY_ATTEMPTS, RETRY_BASE_MS, type Delivery, type DeliveryHandler, type DeliveryQueue, type EnqueueResult, type QueueStats } from "./delivery-queue.js";

const QUEUE = "deliveries";
const PREFIX = "paved";
/** A worker that died (kill -9, OOM, node lost) holds its job this long before another worker takes it over. */
const LOCK_MS = Number(process.env.PAVED_QUEUE_LOCK_MS) || 30_000;
/** Handled deliveries are remembered this long, so a redelivery within it is a duplicate. */
const KEEP_S = 3 * 24 * 3600;

/** BullMQ refuses ids with ":" (its key separator) and integer-looking ids. */
function jobId(id: string): string {
  return `d-${id.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

/**
 * The durable queue, shared by every replica through Redis (BullMQ). A delivery is stored before it
 * is acknowledged; a worker holds a lock on the job it runs and renews it while it runs, so a crash
 * or a deploy hands the job to another worker once the lock lapses (`PAVED_QUEUE_LOCK_MS`); a job
 * that throws is retried with exponential backoff (`PAVED_JOB_ATTEMPTS`). Job ids are delivery ids,
 * so a redelivery within three days is ignored by BullMQ itself.
 */
export class RedisQueue implements DeliveryQueue {
  readonly durable = true;
  private readonly connection: Redis;
  private readonly queue: Queue<Delivery>;
  private worker: Worker<Delivery> | undefined;
  private running = 0;

  constructor(url: string) {
    // BullMQ's workers block on Redis: they need a connection that never gives up on a command.
    this.connection = new Redis(url, { maxRetriesPerRequest: null });
    this.queue = new Queue<Delivery>(QUEUE, {
      connection: this.connection,
      prefix: PREFIX,
      defaultJobOptions: {
        attempts: RETRY_ATTEMPTS,
        backoff: { type: "exponential", delay: RETRY_BASE_MS, jitter: 0.5 },
        removeOnComplete: { age: KEEP_S },
        removeOnFail: { age: KEEP_S },
      },
    });
  }

  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    const id = jobId(delivery.id);
    if (await this.queue.getJob(id)) return "duplicate";
    // Two replicas receiving the same redelivery at once both get here: BullMQ keeps the first job and ignores the second.
    await this.queue.add(delivery.name, delivery, { jobId: id });
    // After the job is stored: a crash in between leaves an older delivery not superseded (extra work, never lost work).
    if (delivery.coalesceKey) await this.connection.set(`${PREFIX}:latest:${delivery.coalesceKey}`, delivery.id, "EX", KEEP_S);
    return "queued";
  }

  process(handler: DeliveryHandler, concurrency: number): void {
    this.worker = new Worker<Delivery>(QUEUE, async (job: Job<Delivery>) => {
      this.running++;
      try {
        return await handler(job.data, job.attemptsMade + 1);
      } finally {
        this.running--;
      }
    }, {
      connection: this.connection.duplicate(),
      prefix: PREFIX,
      concurrency,
      lockDuration: LOCK_MS,
      stalledInterval: Math.max(1_000, Math.floor(LOCK_MS / 2)),
      // A job whose worker died twice is retried by the usual attempts, not dropped.
      maxStalledCount: RETRY_ATTEMPTS,
    });
    this.worker.on("error", () => undefined); // connection errors: ioredis reconnects; readiness reports them
  }

  async isLatest(coalesceKey: string, id: string): Promise<boolean> {
    const latest = await this.connection.get(`${PREFIX}:latest:${coalesceKey}`);
    return latest === null || latest === id;
  }

  async isPending(id: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId(id));
    if (!job) return false;
    const state = await job.getState();
    return state === "waiting" || state === "active" || state === "delayed" || state === "prioritized" || state === "waiting-children";
  }

  async stats(): Promise<QueueStats> {
    const counts = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
    const [oldest] = await this.queue.getWaiting(0, 0);
    return {
      waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      oldestWaitingMs: oldest ? Date.now() - oldest.data.receivedAt : 0,
    };
  }

  /** The queue's Redis connection, for what is kept beside the jobs (the checks in progress, the latest per head). */
  get client(): Redis {
    return this.connection;
  }

  /** Whether Redis answers (for `/readyz`). */
  async ping(): Promise<boolean> {
    return (await this.connection.ping().catch(() => "")) === "PONG";
  }

  async close(graceMs: number): Promise<{ handedBack: number; abandoned: number }> {
    let handedBack = 0;
    if (this.worker) {
      const worker = this.worker;
      // Stop fetching new jobs, then give the running ones the grace period.
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), graceMs)));
      const finished = await Promise.race([worker.close().then(() => "closed" as const), graceOver]);
      clearTimeout(timer);
      if (finished === "timeout") {
        handedBack = this.running;
        // Their locks are no longer renewed: another worker takes them over when they lapse.
        await worker.close(true);
      }
    }
    await this.queue.close();
    await this.connection.quit().catch(() => undefined);
    return { handedBack, abandoned: 0 };
  }
}
