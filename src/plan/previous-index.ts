import type { Diagnostic } from "../core/diagnostic.js";
import type { RenderResult, Source } from "../core/files.js";
import type { Unit } from "../core/unit.js";
import type { Desired } from "./desired.js";
import { buildOwnershipIndex, type OwnershipIndex } from "./ownership-index.js";
import type { Blobs, Tree } from "./types.js";

export type PreviousIndex =
  | { kind: "none" }
  | { kind: "found"; index: OwnershipIndex }
  | { kind: "unreadable"; reason: string };

/** Whether the previous index must be fetched: only when the tree holds one that differs from ours. */
export function previousIndexNeeded(desired: Desired, tree: Tree): boolean {
  const sha = tree.get(desired.indexPath);
  return sha !== undefined && sha !== desired.shas.get(desired.indexPath);
}

/** What this source owned before the change, read from its index in the tree. */
export function readPreviousIndex(
  desired: Desired,
  tree: Tree,
  blobs: Blobs,
  current: { units: Unit[]; rendered: RenderResult; source: Source },
): PreviousIndex {
  if (!tree.has(desired.indexPath)) return { kind: "none" };
  if (!previousIndexNeeded(desired, tree)) {
    // Unchanged index: it is the one we would write, no need to fetch or parse it.
    const index = buildOwnershipIndex(current.units, current.rendered, current.source);
    return index ? { kind: "found", index } : { kind: "none" };
  }
  const content = blobs.get(desired.indexPath);
  if (content === undefined) return { kind: "unreadable", reason: "its content was not fetched" };
  try {
    return { kind: "found", index: desired.parseIndex(content) };
  } catch (error) {
    return { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) };
  }
}

export function unreadableIndexDiagnostic(path: string, reason: string, file: string): Diagnostic {
  return {
    severity: "error",
    code: "ownership-index-unreadable",
    message: `The ownership index ${path} in the GitOps repository cannot be read (${reason}); without it Paved cannot tell which files this repository owns. Restore it from the GitOps repository's history, or delete it to let Paved rebuild it.`,
    file,
    line: 1,
    column: 1,
    path: "",
  };
}
