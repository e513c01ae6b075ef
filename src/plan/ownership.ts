import type { Diagnostic } from "../core/diagnostic.js";
import type { ClaimOwner, RenderedUnit } from "../core/files.js";
import { pointer } from "../core/pointer.js";
import type { Desired } from "./desired.js";
import { sameRepository } from "./paths.js";
import type { Blobs, Tree } from "./types.js";

/**
 * Ownership: a unit directory and a catalog entry belong to exactly one source repository.
 * A file we would write (or a file in a unit directory we would write to) that exists in the tree
 * but is not in our previous index belongs to someone else, unless it carries our own
 * `paved.dev/source` annotation (adopted: an index lost or never written) or is byte-identical.
 */
export interface Conflict {
  /** The unit whose directory is taken; absent for a catalog entry. */
  unit?: RenderedUnit;
  /** The foreign files, sorted. */
  paths: string[];
  /** From the files' `paved.dev/source` annotation; undefined when none names one (hand-written files). */
  owner?: string;
  /** Set when the taken file is an identity claim (ingress host + path): what it claims, for whom. */
  claim?: ClaimOwner;
}

/** Existing files that may belong to another source: their content tells whose they are. */
export function conflictCandidates(desired: Desired, tree: Tree, previouslyOwned: ReadonlySet<string>): string[] {
  const candidates: string[] = [];
  const ours = (path: string): boolean => previouslyOwned.has(path) || desired.shared.has(path) || path === desired.indexPath;
  // Files we would write that hold something else.
  for (const [path, sha] of desired.shas) {
    const current = tree.get(path);
    if (current !== undefined && current !== sha && desired.owned.has(path) && !ours(path)) candidates.push(path);
  }
  // Any other file inside one of our unit directories (the whole tree is scanned once per plan).
  for (const path of desired.foreignInUnitDirs(tree)) if (!ours(path)) candidates.push(path);
  return candidates;
}

export function findConflicts(
  desired: Desired,
  tree: Tree,
  blobs: Blobs,
  previouslyOwned: ReadonlySet<string>,
  repository: string,
): Conflict[] {
  const byKey = new Map<string, Conflict>();
  for (const path of conflictCandidates(desired, tree, previouslyOwned).sort()) {
    const content = blobs.get(path);
    const owner = content === undefined ? undefined : sourceAnnotation(content);
    if (owner !== undefined && sameRepository(owner, repository)) continue;
    const dir = unitDirOf(path, desired.unitDirs);
    const key = dir ?? path;
    const conflict = byKey.get(key) ?? { paths: [] };
    if (dir !== undefined) conflict.unit = desired.unitDirs.get(dir)!;
    const claim = desired.claims.get(path);
    if (claim) conflict.claim = claim;
    conflict.paths.push(path);
    conflict.owner ??= owner;
    byKey.set(key, conflict);
  }
  return [...byKey.values()];
}

/** The `paved.dev/source` annotation (or values key) of a rendered file, when it has one. */
export function sourceAnnotation(content: string): string | undefined {
  const match = /paved\.dev\/source["']?\s*:\s*["']?([^"'\s,}]+)/.exec(content);
  return match?.[1];
}

export function conflictDiagnostic(
  conflict: Conflict,
  file: string,
  locate: (pointer: string) => { line: number; column: number } | undefined,
): Diagnostic {
  const example = conflict.paths[0]!;
  const more = conflict.paths.length > 1 ? ` and ${conflict.paths.length - 1} more` : "";
  const owner = conflict.owner
    ? `${conflict.owner} (paved.dev/source of ${example})`
    : `files no Paved source lists (${example}${more}, maybe written by hand)`;
  if (conflict.claim) {
    const { claim } = conflict;
    const position = locate(claim.pointer) ?? { line: 1, column: 1 };
    const message =
      `${claim.description} (${claim.service} in ${claim.environment}) is already routed by ${owner}. ` +
      "Two Ingresses with one host and path on a cluster would take each other's traffic: choose another host or path, or remove it from its owner first.";
    return { severity: "error", code: "ingress-conflict", message, file, ...position, path: claim.pointer };
  }
  const service = conflict.unit?.service ?? catalogService(example);
  const where = service === undefined ? "" : pointer("services", service);
  const position = locate(where) ?? { line: 1, column: 1 };
  const message = conflict.unit
    ? `${conflict.unit.environment}/${conflict.unit.namespace}/${conflict.unit.service} in the GitOps repository is already taken by ${owner}. ` +
      "A service in an environment and namespace is deployed from one repository only: rename this service, or remove it from its owner first."
    : `${example} in the GitOps repository is already taken by ${owner}. Rename this service, or remove it from its owner first.`;
  return { severity: "error", code: "ownership-conflict", message, file, ...position, path: where };
}

/** The unit directory a path lies in, if any: checks each ancestor, so cost is the path's depth. */
export function unitDirOf(path: string, unitDirs: ReadonlyMap<string, unknown>): string | undefined {
  for (let slash = path.lastIndexOf("/"); slash > 0; slash = path.lastIndexOf("/", slash - 1)) {
    const dir = path.slice(0, slash);
    if (unitDirs.has(dir)) return dir;
  }
  return undefined;
}

/** Catalog entries are `catalog/<owner>/<service>.yaml`. */
function catalogService(path: string): string | undefined {
  return /\/?catalog\/[^/]+\/([^/]+)\.yaml$/.exec(path)?.[1];
}
