import type { Log } from "../core/log.js";
import { failCheck, startCheck } from "../github/paved-check.js";
import type { GitHub, Repo } from "../github/client.js";
import type { CommentAuthor } from "../github/sticky-comment.js";
import { planPullRequest, type PullRequestOutcome } from "./pull-request-plan.js";

/**
 * A merge queue tests the commit it is about to merge, not the pull request's head: GitHub asks for
 * checks on the merge group's head commit (`merge_group.checks_requested`) and waits for the required
 * ones there. Paved plans that commit exactly as a pull request head and concludes its `Paved` check;
 * it never applies from a merge group — the push of the default branch that follows does.
 */
export interface MergeGroupTarget {
  repo: Repo;
  /** GitHub's repository id: ownership follows it (see `Source.id`). */
  repositoryId?: number;
  /** `refs/heads/gh-readonly-queue/<base>/pr-<number>-<pr head sha>`. */
  headRef: string;
  headSha: string;
  baseSha: string;
  /** `refs/heads/<base>`: the branch the queue merges into. */
  baseRef: string;
  defaultBranch: string;
  deliveryId: string;
  log: Pick<Log, "info" | "warn" | "error">;
  htmlUrl?: string;
  /** Planning that concludes within this writes its check once, completed (the shells pass `PAVED_QUICK_CHECK_MS`); 2 s when absent. */
  quickCheckMs?: number;
  /** Who Paved writes as (the plan flow's identity; a merge group gets no comment). */
  author: CommentAuthor;
}

export async function planMergeGroup(gh: GitHub, target: MergeGroupTarget): Promise<PullRequestOutcome> {
  const queued = queuedPullRequest(target.headRef);
  if (!queued) {
    // Without the pull request nobody's approval can be checked: fail rather than let the queue merge it unchecked.
    const check = await startCheck(gh, target.repo, target.headSha, target.deliveryId, { quickCheckMs: target.quickCheckMs });
    if (!check.done) {
      await failCheck(gh, target.repo, check, `Paved cannot tell which pull request the merge group \`${target.headRef}\` is for, so it cannot check approvals. Remove the pull request from the queue and add it again.`);
    }
    return { status: "skipped", reason: "merge group ref names no pull request" };
  }
  return planPullRequest(gh, {
    repo: target.repo,
    ...(target.repositoryId !== undefined ? { repositoryId: target.repositoryId } : {}),
    number: queued.number,
    headSha: target.headSha,
    baseSha: target.baseSha,
    baseRef: target.baseRef.replace(/^refs\/heads\//, ""),
    defaultBranch: target.defaultBranch,
    // The group's head is a new commit nobody reviewed: approvals count on the queued pull request's head.
    reviewedSha: queued.headSha,
    // The pull request keeps its own comment; the check on the group's commit is what the queue waits for.
    comment: false,
    deliveryId: target.deliveryId,
    author: target.author,
    log: target.log,
    ...(target.htmlUrl ? { htmlUrl: target.htmlUrl } : {}),
    ...(target.quickCheckMs ? { quickCheckMs: target.quickCheckMs } : {}),
  });
}

const QUEUE_REF = /^refs\/heads\/gh-readonly-queue\/.+\/pr-(\d+)-([0-9a-f]{40})$/;

/** The pull request a merge group was created for, and its head, read from GitHub's queue ref; null for any other ref. */
export function queuedPullRequest(headRef: string): { number: number; headSha: string } | null {
  const match = QUEUE_REF.exec(headRef);
  return match ? { number: Number(match[1]), headSha: match[2]! } : null;
}
