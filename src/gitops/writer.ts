import type { Blobs, FileWrite, TreeSnapshot } from "../plan/types.js";

/**
 * A GitOps repository that Paved reads and commits to: local git or GitHub's Git Data API.
 * One interface so the read → plan → commit loop (and its retry on a concurrent writer) is
 * written once, in `applyWithRetry` (src/flows/apply.ts).
 */
export type CommitResult =
  | { kind: "committed"; sha: string }
  /** The changes produced the tree the branch already has: no commit made. */
  | { kind: "unchanged"; sha: string }
  /** The branch moved since `expectedTreeId` (a concurrent writer): re-read, re-plan, retry. */
  | { kind: "conflict" };

export interface GitOpsWriter {
  readTree(): Promise<TreeSnapshot>;
  /** Contents of files of the snapshot; paths it does not hold are left out. */
  readBlobs(paths: string[], from: TreeSnapshot): Promise<Blobs>;
  /** One atomic commit on the branch, only if it still points at `expectedTreeId` (compare-and-swap). */
  commit(changes: FileWrite[], message: string, expectedTreeId: string): Promise<CommitResult>;
}
