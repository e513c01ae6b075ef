import { compareStrings } from "./compare.js";
import type { Desired } from "./desired.js";
import { unifiedDiff } from "./diff.js";
import type { OwnershipIndex } from "./ownership-index.js";
import type { Blobs, FileAction, FileChange, Tree, UnitRef } from "./types.js";

/**
 * Creates and updates: desired files missing from the tree or with another sha.
 * Deletes: files our previous index lists that are no longer desired and that say they are ours
 * (and our index itself when nothing is desired any more); nothing outside our index is ever deleted.
 * Diffs are computed for changed files only.
 */
export function fileChanges(
  desired: Desired,
  previous: OwnershipIndex | undefined,
  tree: Tree,
  blobs: Blobs,
  /** Where the previous index was read: a name-keyed one goes once its id-keyed successor is written. */
  previousPath: string | undefined,
  /** Whether a listed file may go (it says it is this source's); kept ones are returned in `kept`. */
  deletable: (path: string) => boolean,
): { changes: FileChange[]; kept: string[] } {
  const changes: FileChange[] = [];
  for (const [path, content] of desired.files) {
    const current = tree.get(path);
    if (current === desired.shas.get(path)) continue;
    const before = current === undefined ? undefined : blobs.get(path);
    changes.push(change(path, current === undefined ? "create" : "update", desired.unitOf.get(path), before, content, current !== undefined));
  }
  const previousUnitOf = new Map<string, UnitRef>();
  const previousOwned: string[] = [...(previous?.catalog ?? [])];
  for (const unit of previous?.units ?? []) {
    for (const path of unit.files) {
      previousUnitOf.set(path, { environment: unit.environment, service: unit.service });
      previousOwned.push(path);
    }
  }
  const kept: string[] = [];
  for (const path of new Set(previousOwned)) {
    if (desired.files.has(path) || desired.shared.has(path) || !tree.has(path)) continue;
    if (!deletable(path)) kept.push(path);
    else changes.push(change(path, "delete", previousUnitOf.get(path), blobs.get(path), undefined, true));
  }
  // The indexes themselves: ours by where they are (our id's path, or a name-keyed one we adopted).
  const indexes = [desired.indexPath, ...(previousPath !== undefined && previousPath !== desired.indexPath ? [previousPath] : [])];
  for (const path of indexes) {
    if (!desired.files.has(path) && tree.has(path)) changes.push(change(path, "delete", undefined, blobs.get(path), undefined, true));
  }
  return { changes: changes.sort((a, b) => compareStrings(a.path, b.path)), kept: kept.sort(compareStrings) };
}

function change(
  path: string,
  action: FileAction,
  unit: UnitRef | undefined,
  before: string | undefined,
  after: string | undefined,
  existed: boolean,
): FileChange {
  const result: FileChange = { path, action, diff: "" };
  if (unit) result.unit = unit;
  if (before !== undefined) result.before = before;
  if (after !== undefined) result.after = after;
  if (existed && before === undefined) {
    result.diffOmitted = "content not fetched";
    return result;
  }
  const diff = unifiedDiff(path, existed ? before! : null, action === "delete" ? null : after!);
  if (diff.kind === "diff") result.diff = diff.text;
  else result.diffOmitted = diff.reason;
  return result;
}
