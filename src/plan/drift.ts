import { compareStrings } from "./compare.js";
import { ownedPaths, type OwnershipIndex } from "./ownership-index.js";
import type { Tree } from "./types.js";

/**
 * Drift: a file Paved owns (listed in an ownership index, the index itself included) that someone
 * other than Paved changed in the GitOps repository. Argo CD deploys what the repository holds, so a
 * hand edit there silently overrides the source's `platform.yaml` until the next apply rewrites it.
 * Pure: the shells (the App on a push, `paved drift` over a local clone) say which commits touched
 * which files and whether each commit is Paved's; this decides what is drifted now.
 */
export interface OwnedFile {
  path: string;
  /** owner/name of the source whose index lists it. */
  source: string;
  /** That index's path: what a revert re-renders. */
  index: string;
  /** The unit directory it belongs to, `<env>/<namespace>/<service>`; absent for catalog entries and the index. */
  unit?: string;
}

export interface CommitTouch {
  sha: string;
  /** Who made it, for people: a login or a name. */
  author: string;
  /** Made by Paved (the shell decides how: the App by GitHub's verified bot identity). */
  paved: boolean;
  files: Array<{
    path: string;
    /** Blob sha before this commit; null when the file did not exist; undefined when the shell cannot tell. */
    before?: string | null;
  }>;
}

export interface DriftEntry {
  path: string;
  source: string;
  /** The path of the ownership index that lists it. */
  index?: string;
  unit?: string;
  /** The latest commit by someone other than Paved that changed it. */
  commit: string;
  author: string;
  /** What Paved last left there (blob sha; null: nothing), when known: the drift is gone once the file is that again. */
  paved?: string | null;
}

/** Every file the indexes claim, keyed by path, with its source and unit directory. */
export function ownedFiles(indexes: Array<{ path: string; index: OwnershipIndex }>): Map<string, OwnedFile> {
  const owned = new Map<string, OwnedFile>();
  for (const { path: self, index } of indexes) {
    owned.set(self, { path: self, source: index.source, index: self });
    for (const unit of index.units) {
      const dir = `${unit.environment}/${unit.namespace}/${unit.service}`;
      for (const path of unit.files) owned.set(path, { path, source: index.source, index: self, unit: dir });
    }
    for (const path of ownedPaths(index)) if (!owned.has(path)) owned.set(path, { path, source: index.source, index: self });
  }
  return owned;
}

/**
 * The drift after `commits` (oldest first), starting from `previous` (what an open issue lists):
 * Paved rewriting a file ends its drift; anyone else changing an owned file starts it (or moves it
 * to the newer commit, keeping what Paved had left there). Then a file that is back to what Paved
 * left (reverted by hand) is no longer drifted. Files nobody owns never count.
 */
export function updateDrift(previous: DriftEntry[], commits: CommitTouch[], owned: ReadonlyMap<string, OwnedFile>, current: Tree): DriftEntry[] {
  const entries = new Map(previous.map((e) => [e.path, e]));
  for (const commit of commits) {
    for (const file of commit.files) {
      if (commit.paved) {
        entries.delete(file.path);
        continue;
      }
      const ownedFile = owned.get(file.path) ?? (entries.has(file.path) ? entries.get(file.path) : undefined);
      if (!ownedFile) continue;
      const earlier = entries.get(file.path);
      const entry: DriftEntry = { path: file.path, source: ownedFile.source, commit: commit.sha, author: commit.author };
      if (ownedFile.index !== undefined) entry.index = ownedFile.index;
      if (ownedFile.unit !== undefined) entry.unit = ownedFile.unit;
      const paved = earlier ? earlier.paved : file.before;
      if (paved !== undefined) entry.paved = paved;
      entries.set(file.path, entry);
    }
  }
  return [...entries.values()]
    .filter((e) => e.paved === undefined || (current.get(e.path) ?? null) !== e.paved)
    .sort((a, b) => compareStrings(a.path, b.path));
}

/** Drift grouped for people: one group per unit directory (or per source for its other files), in path order. */
export function driftByUnit(entries: DriftEntry[]): Array<{ title: string; source: string; entries: DriftEntry[] }> {
  const groups = new Map<string, { title: string; source: string; entries: DriftEntry[] }>();
  for (const entry of entries) {
    const key = entry.unit ?? `${entry.source}\0other`;
    const group = groups.get(key) ?? { title: entry.unit ?? `other files of ${entry.source}`, source: entry.source, entries: [] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  return [...groups.values()];
}
