import type { Logger, Probot } from "probot";
import { failCheck } from "../../github/paved-check.js";
import { enterJob } from "../job-scope.js";
import { deliveries, handlingSeconds } from "../metrics.js";
import { addRequestDeadlines } from "../request-timeout.js";
import type { CheckLedger, OpenCheck } from "./check-ledger.js";
import { RETRY_ATTEMPTS, type Delivery, type DeliveryHandler, type DeliveryQueue } from "./delivery-queue.js";

/** A job that runs longer than this is stopped and its check concluded as failed, saying so. */
export const JOB_TIMEOUT_MS = Number(process.env.PAVED_JOB_TIMEOUT_MS) || 10 * 60_000;

export interface WorkerOptions {
  probot: Probot;
  queue: DeliveryQueue;
  ledger: CheckLedger;
  log: Pick<Logger, "info" | "warn" | "error">;
  jobTimeoutMs?: number;
}

/**
 * Runs one delivery through the app's handlers (`probot.receive`), unless a later delivery for the
 * same pull-request head supersedes it. The checks the job moves to in progress are recorded in
 * the ledger until concluded; a job that fails or runs out of time concludes what it left in
 * progress as failed, with the reason (a retry recomputes it: the flows key checks by delivery and
 * treat a failed one as not done).
 */
export function deliveryWorker({ probot, queue, ledger, log, jobTimeoutMs = JOB_TIMEOUT_MS }: WorkerOptions): DeliveryHandler {
  return async (delivery, attempt) => {
    const event = delivery.name;
    if (delivery.coalesceKey && !(await queue.isLatest(delivery.coalesceKey, delivery.id))) {
      deliveries.inc({ event, outcome: "superseded" });
      return "superseded";
    }
    const stop = handlingSeconds.startTimer({ event });
    const deadline = new AbortController();
    const open = new Map<string, OpenCheck>();
    const leave = enterJob(delivery.id, {
      signal: deadline.signal,
      onCheck: ({ status, ...check }) => {
        const key = `${check.owner}/${check.repo}/${check.checkRunId}`;
        if (status === "in_progress") {
          const entry = { ...check, deliveryId: delivery.id, since: Date.now() };
          open.set(key, entry);
          void ledger.add(entry).catch(() => undefined);
        } else {
          open.delete(key);
          void ledger.remove(check).catch(() => undefined);
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadline.abort();
        reject(new Error(`handling the event took longer than ${Math.round(jobTimeoutMs / 1000)} s`));
      }, jobTimeoutMs);
    });
    try {
      await Promise.race([probot.receive({ id: delivery.id, name: delivery.name, payload: delivery.payload } as never), timedOut]);
      deliveries.inc({ event, outcome: "processed" });
      stop({ outcome: "processed" });
      return "processed";
    } catch (error) {
      const last = attempt >= RETRY_ATTEMPTS;
      deliveries.inc({ event, outcome: last ? "failed" : "retried" });
      stop({ outcome: "failed" });
      const reason = errorMessage(error);
      log.error({ delivery: delivery.id, event, attempt, reason }, last ? "delivery failed; no attempts left" : "delivery failed; it will be retried");
      await concludeOpen(probot, ledger, [...open.values()], `Paved could not finish: ${reason}. ${last ? "Re-run the check to try again." : "Paved retries it shortly."}`);
      throw error;
    } finally {
      clearTimeout(timer);
      leave();
    }
  };
}

/** Concludes checks as failed with `reason`, each with its own request deadline; never throws. */
export async function concludeOpen(probot: Probot, ledger: CheckLedger, checks: OpenCheck[], reason: string): Promise<number> {
  let concluded = 0;
  for (const check of checks) {
    try {
      const octokit = await probot.auth(check.installationId);
      addRequestDeadlines(octokit);
      if (await failCheck(octokit as never, { owner: check.owner, repo: check.repo }, check.checkRunId, reason)) {
        await ledger.remove(check);
        concluded++;
      }
    } catch {
      // best effort: the next start's sweep tries again
    }
  }
  return concluded;
}

/**
 * On start: checks a previous process left in progress, whose delivery no worker will resume (the
 * in-process queue lost it, or the durable queue gave up), are concluded as failed, saying why.
 */
export async function sweepOpenChecks(probot: Probot, queue: DeliveryQueue, ledger: CheckLedger): Promise<number> {
  const orphans: OpenCheck[] = [];
  for (const check of await ledger.list()) if (!(await queue.isPending(check.deliveryId))) orphans.push(check);
  return concludeOpen(probot, ledger, orphans, "Paved stopped (a restart or a crash) while computing this check. Re-run the check to compute it again.");
}

function errorMessage(error: unknown): string {
  const e = error as { errors?: unknown[]; message?: string };
  // probot.receive wraps handler errors in an AggregateError.
  const inner = Array.isArray(e?.errors) && e.errors.length > 0 ? (e.errors[0] as Error) : (error as Error);
  return (inner?.message ?? String(error)).split("\n")[0]!.slice(0, 300);
}

export type { Delivery };
