import { gitBlobSha } from "./blob-sha.js";
import type { FileWrite, Plan, TreeSnapshot } from "./types.js";

/** The files after applying a plan: what a writer commits, as plain data (for tests and dry runs). */
export function applyPlanToTree(files: ReadonlyMap<string, string>, plan: Plan): Map<string, string> {
  const result = new Map(files);
  for (const change of plan.changes) {
    if (change.action === "delete") result.delete(change.path);
    else result.set(change.path, change.after!);
  }
  return result;
}

/** A plan's changes in the shape writers commit (`FileWrite`): content, or null to delete. */
export function commitChanges(plan: Plan): FileWrite[] {
  return plan.changes.map((c) => ({ path: c.path, content: c.action === "delete" ? null : c.after! }));
}

/** The tree that committing `changes` onto `read` made, as commit `sha`: known without reading it back (blob shas are content addresses). */
export function committedTree(read: TreeSnapshot, sha: string, changes: readonly FileWrite[]): TreeSnapshot {
  const tree = new Map(read.tree);
  for (const change of changes) {
    if (change.content === null) tree.delete(change.path);
    else tree.set(change.path, gitBlobSha(change.content));
  }
  return { treeId: sha, tree };
}
