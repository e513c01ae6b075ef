import { readFileSha } from "./read-file.js";
import type { GitHub, Repo } from "./client.js";

const ZERO_SHA = /^0+$/;
/** GitHub lists at most 20 commits in a push payload; beyond that the file lists are incomplete. */
const PAYLOAD_COMMIT_LIMIT = 20;

export interface PushFacts {
  ref: string;
  before: string;
  after: string;
  deleted: boolean;
  /** A force push: `before` need not be an ancestor of `after` (unknown when absent). */
  forced?: boolean;
  defaultBranch: string;
  commits: Array<{ added?: string[]; modified?: string[]; removed?: string[] }>;
}

/** Only the default branch deploys; other branches and tags never do. */
export function pushesDefaultBranch(push: PushFacts): boolean {
  return !push.deleted && !ZERO_SHA.test(push.after) && push.ref === `refs/heads/${push.defaultBranch}`;
}

/**
 * Did this push change the manifest? The payload's file lists say so, unless they may be incomplete
 * (a new branch, or more commits than the payload lists): then compare the manifest's blob sha before and after.
 */
export async function pushChangesManifest(gh: GitHub, repo: Repo, push: PushFacts, manifestPath: string): Promise<boolean> {
  const complete = !ZERO_SHA.test(push.before) && push.commits.length > 0 && push.commits.length < PAYLOAD_COMMIT_LIMIT;
  if (complete) {
    return push.commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(manifestPath));
  }
  const [before, after] = await Promise.all([
    ZERO_SHA.test(push.before) ? Promise.resolve(null) : readFileSha(gh, repo, manifestPath, push.before),
    readFileSha(gh, repo, manifestPath, push.after),
  ]);
  return before !== after;
}
