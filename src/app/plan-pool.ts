/**
 * The App computes every plan (parse → check → policies → render → index) in a bounded pool of
 * worker threads, so one source's large or hostile manifest cannot hold the event loop that every
 * other delivery, webhook acknowledgement and health probe shares. A plan has the job's deadline
 * (JobScope.signal, PAVED_JOB_TIMEOUT_MS): when it passes, the worker is terminated — the only way
 * to stop synchronous code — and the plan fails with a clear error, which the flow puts on the check.
 *
 * Inputs and outputs are plain data (plan-messages.ts); the CLI and the Action plan in-process.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { packagePath } from "../core/package-root.js";
import { SourceMapBuilder } from "../document/source-map.js";
import type { ComputeDesired, PipelineInput } from "../flows/pipeline.js";
import type { DesiredState } from "../plan/types.js";
import type { DesiredData, PlanReply, PlanRequest } from "./plan-messages.js";

/** Plans at once (at least two, so one slow plan never holds every other); more wait their turn. */
export const PLAN_WORKERS = Number(process.env.PAVED_PLAN_WORKERS) || Math.max(2, Math.min(4, availableParallelism()));
/** A plan within the bounds of core/bounds.ts peaks near 300 MB; past this the worker dies, not the App. */
const WORKER_HEAP_MB = 1024;

/** The compiled worker: beside this module in dist/; from the sources (tests), the built one. */
function workerScript(): string {
  const beside = fileURLToPath(new URL("./plan-worker.js", import.meta.url));
  return existsSync(beside) ? beside : packagePath("dist", "app", "plan-worker.js");
}

export class PlanStoppedError extends Error {}

export class PlanPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private running = 0;
  private nextId = 0;
  /** Workers terminated at a deadline (for tests and metrics). */
  stopped = 0;

  constructor(
    private readonly size = PLAN_WORKERS,
    private readonly script = workerScript(),
  ) {}

  /** The desired state of `input`, computed off this thread; rejects with PlanStoppedError when `deadline` aborts first. */
  async compute(input: PipelineInput, deadline?: AbortSignal): Promise<DesiredState> {
    if (deadline?.aborted) throw stoppedError();
    const worker = await this.acquire(deadline);
    const request: PlanRequest = {
      id: ++this.nextId,
      manifestText: input.manifestText,
      file: input.file,
      config: input.config,
      source: input.source,
      templates: input.templates.sources,
      options: input.options,
    };
    return new Promise<DesiredState>((resolve, reject) => {
      const settle = (outcome: () => void, keep: boolean) => {
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        deadline?.removeEventListener("abort", onAbort);
        if (keep) this.release(worker);
        else this.replace(worker);
        outcome();
      };
      const onMessage = (reply: PlanReply) => {
        if (reply.id !== request.id) return;
        settle(() => (reply.ok ? resolve(revive(reply.desired)) : reject(new Error(reply.message))), true);
      };
      const onError = (error: Error) => {
        const oom = (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
        settle(() => reject(new Error(oom ? `planning this manifest ran out of memory (${WORKER_HEAP_MB} MB): make it smaller` : `planning failed: ${error.message}`)), false);
      };
      const onExit = () => settle(() => reject(new Error("the plan worker stopped unexpectedly")), false);
      const onAbort = () => {
        this.stopped++;
        void worker.terminate();
        settle(() => reject(stoppedError()), false);
      };
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      deadline?.addEventListener("abort", onAbort, { once: true });
      worker.ref();
      worker.postMessage(request);
    });
  }

  /** Terminates every idle worker (busy ones end with their plan); the pool starts new ones on demand. */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }

  private acquire(deadline?: AbortSignal): Promise<Worker> {
    const ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    if (this.running < this.size) {
      this.running++;
      return Promise.resolve(new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } }));
    }
    return new Promise((resolve, reject) => {
      const take = (worker: Worker) => {
        deadline?.removeEventListener("abort", onAbort);
        resolve(worker);
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(take);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(stoppedError());
      };
      deadline?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(take);
    });
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) return next(worker);
    worker.unref(); // an idle worker does not keep the process alive
    this.idle.push(worker);
  }

  /** A worker that was terminated or failed is not reused: the next waiter gets a fresh one. */
  private replace(worker: Worker): void {
    void worker.terminate();
    this.running--;
    const next = this.waiting.shift();
    if (next) {
      this.running++;
      next(new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } }));
    }
  }
}

function stoppedError(): PlanStoppedError {
  return new PlanStoppedError(
    "Paved stopped planning this manifest: it ran past the delivery's deadline (PAVED_JOB_TIMEOUT_MS), and other repositories' plans went on; make the manifest smaller, then re-run the check",
  );
}

function revive(data: DesiredData): DesiredState {
  const { sourceMap: map, check, ...rest } = data;
  const sourceMap = map ? SourceMapBuilder.from(map) : undefined;
  return { ...rest, check: { ...check, ...(sourceMap ? { sourceMap } : {}) }, locate: (pointer) => sourceMap?.locate(pointer) };
}

let shared: PlanPool | undefined;

/** The App's pool, started on first use. */
export function planPool(): PlanPool {
  shared ??= new PlanPool();
  return shared;
}

/** Plans of one delivery: in the App's pool, with the job's deadline when a queue worker runs it. */
export function offThread(deadline: AbortSignal | undefined): ComputeDesired {
  return (input) => planPool().compute(input, deadline);
}
