import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import { resolveDesired, type Desired } from "./desired.js";
import { ownedPaths } from "./ownership-index.js";
import { conflictCandidates, deletionCandidates } from "./ownership.js";
import { previousIndexToFetch, readPreviousIndex } from "./previous-index.js";
import { isClaimFile } from "./risks.js";
import type { Blobs, DesiredInput, Tree } from "./types.js";

export interface BlobsNeededOptions {
  /**
   * At most this many files are fetched only to show a diff (default: all). The index, possible
   * conflicts and files to delete are always fetched: the plan's correctness depends on them (a
   * file is deleted only when it says it is this source's), the diffs are for reading.
   */
  diffLimit?: number;
}

/**
 * The first phase of planning: which existing files the shell must fetch. Call it until it returns
 * nothing, passing what was fetched so far as `known`: the previous ownership index (fetched in the
 * first round, only when it differs from ours) tells which further files matter.
 * Fetches: files whose content changes (for the diff), our previous index, files that may belong
 * to another source (for the owner's name), and files to delete (each must say it is ours).
 */
export function blobsNeeded(
  input: DesiredInput,
  tree: Tree,
  source: Source,
  config: ResolvedConfig,
  known: Blobs = new Map(),
  options: BlobsNeededOptions = {},
): string[] {
  return blobsNeededFor(resolveDesired(input, source, config), tree, source, known, options);
}

/** `blobsNeeded` for an already resolved desired state (a planner resolves it once for both phases). */
export function blobsNeededFor(
  desired: Desired,
  tree: Tree,
  source: Source,
  known: Blobs = new Map(),
  options: BlobsNeededOptions = {},
): string[] {
  if (!desired.valid) return [];
  const index = previousIndexToFetch(desired, tree);
  if (index !== undefined && !known.has(index)) {
    // The rest depends on what the previous index lists: the caller comes back with it.
    return [index];
  }
  const previous = readPreviousIndex(desired, tree, known, { source });
  const owned = previous.kind === "found" ? ownedPaths(previous.index) : new Set<string>();
  const essential = new Set(conflictCandidates(desired, tree, owned));
  for (const path of deletionCandidates(desired, owned, tree)) essential.add(path);
  // A changed claim may be a renamed one (a lost database): its old name is always read.
  for (const [path, sha] of desired.shas) {
    const current = tree.get(path);
    if (current !== undefined && current !== sha && isClaimFile(path)) essential.add(path);
  }
  const forDiffs = new Set<string>();
  for (const [path, sha] of desired.shas) {
    const current = tree.get(path);
    if (current !== undefined && current !== sha && !essential.has(path)) forDiffs.add(path);
  }
  // Diff contents already fetched count against the limit, so asking again never grows it.
  const fetchedForDiffs = [...forDiffs].filter((p) => known.has(p)).length;
  const room = Math.max(0, (options.diffLimit ?? Infinity) - fetchedForDiffs);
  return [...without(essential, known), ...without(forDiffs, known).slice(0, room)].sort();
}

function without(paths: Set<string>, known: Blobs): string[] {
  return [...paths].filter((p) => !known.has(p)).sort();
}
