import type { Plan } from "./types.js";

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
export function commitChanges(plan: Plan): { path: string; content: string | null }[] {
  return plan.changes.map((c) => ({ path: c.path, content: c.action === "delete" ? null : c.after! }));
}
