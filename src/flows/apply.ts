import { commitChanges, committedTree } from "../plan/apply-tree.js";
import type { Blobs, Plan, Planner, TreeSnapshot } from "../plan/types.js";
import type { GitOpsWriter } from "../gitops/writer.js";

/** `tree`: the GitOps branch as this apply left it (what it read, plus its commit), for the steps after it. */
export type ApplyOutcome =
  | { status: "committed"; sha: string; plan: Plan; attempts: number; tree: TreeSnapshot }
  | { status: "unchanged"; plan: Plan; attempts: number; tree: TreeSnapshot }
  | { status: "invalid"; plan: Plan; attempts: number }
  /** Every attempt lost the race to another writer. */
  | { status: "conflict"; plan: Plan; attempts: number }
  /** `admit` refused the plan (say it would roll back a newer apply): nothing was written. */
  | { status: "refused"; reason: string; plan: Plan; attempts: number };

export interface RetryOptions {
  /** Attempts in all (default 5; the shells pass `PAVED_APPLY_ATTEMPTS`, see core/shell-env.ts). */
  attempts?: number;
  /** Milliseconds to wait after the n-th failed attempt (1-based); default: exponential with full jitter. */
  backoff?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Asked on every attempt, right before its commit, with the plan made from that attempt's read: a
   * reason refuses it (nothing is written). The compare-and-swap makes its answer hold: if the branch
   * moved after the read, the commit fails and the next attempt asks again.
   */
  admit?: (plan: Plan) => Promise<string | null>;
}

/** Rounds of `blobsNeeded`: the first reveals the previous index, the second what it lists. */
const MAX_FETCH_ROUNDS = 4;

/** Read → plan → commit; on a concurrent commit, wait and start over from a fresh read. */
export async function applyWithRetry(writer: GitOpsWriter, planner: Planner, options: RetryOptions = {}): Promise<ApplyOutcome> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const backoff = options.backoff ?? defaultBackoff;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let plan: Plan | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const snapshot = await writer.readTree();
    const blobs = await readPlanBlobs(writer, planner, snapshot);
    plan = planner.plan(snapshot, blobs);
    if (!plan.valid) return { status: "invalid", plan, attempts: attempt };
    if (plan.changes.length === 0) return { status: "unchanged", plan, attempts: attempt, tree: snapshot };
    const refusal = options.admit ? await options.admit(plan) : null;
    if (refusal !== null) return { status: "refused", reason: refusal, plan, attempts: attempt };
    const changes = commitChanges(plan);
    const result = await writer.commit(changes, planner.message(plan), snapshot.treeId);
    if (result.kind === "committed") return { status: "committed", sha: result.sha, plan, attempts: attempt, tree: committedTree(snapshot, result.sha, changes) };
    if (result.kind === "unchanged") return { status: "unchanged", plan, attempts: attempt, tree: snapshot };
    if (attempt < attempts) await sleep(backoff(attempt));
  }
  return { status: "conflict", plan: plan!, attempts };
}

/**
 * Fetches what the plan needs, in as many rounds as `blobsNeeded` asks for (at most a few), beyond
 * the contents already `known` (verified against the snapshot's shas: see plan/verified-blobs.ts).
 */
export async function readPlanBlobs(writer: GitOpsWriter, planner: Planner, snapshot: TreeSnapshot, known: Blobs = new Map()): Promise<Blobs> {
  const blobs: Blobs = new Map(known);
  const requested = new Set<string>();
  for (let round = 0; round < MAX_FETCH_ROUNDS; round++) {
    const needed = planner.blobsNeeded(snapshot.tree, blobs).filter((p) => !requested.has(p));
    if (needed.length === 0) break;
    for (const p of needed) requested.add(p);
    for (const [path, content] of await writer.readBlobs(needed, snapshot)) blobs.set(path, content);
  }
  return blobs;
}

/** 100 ms, 200 ms, 400 ms … capped at 3 s, each drawn uniformly below the cap (full jitter). */
export function defaultBackoff(attempt: number): number {
  return Math.random() * Math.min(3000, 100 * 2 ** (attempt - 1));
}
