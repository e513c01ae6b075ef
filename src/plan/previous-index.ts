import type { Diagnostic } from "../core/diagnostic.js";
import type { Source } from "../core/files.js";
import type { Desired } from "./desired.js";
import type { OwnershipIndex } from "./ownership-index.js";
import { sameRepository } from "../core/provenance.js";
import type { Blobs, Tree } from "./types.js";

export type PreviousIndex =
  | { kind: "none" }
  /** `path`: where it was read; the name-keyed path of an index being migrated to its id-keyed one. */
  | { kind: "found"; index: OwnershipIndex; path: string }
  | { kind: "unreadable"; reason: string };

/**
 * Which stored index to read: ours by id (or by name for a source without an id); else, for a
 * source with an id, the name-keyed index it had before ids, which it migrates from.
 */
function previousIndexPath(desired: Desired, tree: Tree): string | undefined {
  if (tree.has(desired.indexPath)) return desired.indexPath;
  return desired.legacyIndexPath !== undefined && tree.has(desired.legacyIndexPath) ? desired.legacyIndexPath : undefined;
}

/** The index to fetch, if any: only when the tree holds one that differs from ours. */
export function previousIndexToFetch(desired: Desired, tree: Tree): string | undefined {
  const path = previousIndexPath(desired, tree);
  if (path === undefined) return undefined;
  return tree.get(path) !== desired.shas.get(path) ? path : undefined;
}

/** What this source owned before the change, read from its index in the tree. */
export function readPreviousIndex(
  desired: Desired,
  tree: Tree,
  blobs: Blobs,
  current: { source: Source },
): PreviousIndex {
  const path = previousIndexPath(desired, tree);
  if (path === undefined) return { kind: "none" };
  if (previousIndexToFetch(desired, tree) === undefined) {
    // Unchanged index: it is the one we would write, no need to fetch, parse or build it again.
    const index = desired.index?.built;
    return index ? { kind: "found", index, path } : { kind: "none" };
  }
  const content = blobs.get(path);
  if (content === undefined) return { kind: "unreadable", reason: "its content was not fetched" };
  let index: OwnershipIndex;
  try {
    index = desired.parseIndex(content);
  } catch (error) {
    if (path !== desired.indexPath) return { kind: "none" }; // not ours to read: never adopted
    return { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) };
  }
  // A name-keyed index is adopted only when it names this repository and no other id: an index
  // of another repository that once had this name is not inherited.
  if (path !== desired.indexPath && !adoptable(index, current.source)) return { kind: "none" };
  return { kind: "found", index, path };
}

function adoptable(index: OwnershipIndex, source: Source): boolean {
  if (index.id !== undefined) return index.id === source.id;
  return sameRepository(index.source, source.repository);
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
