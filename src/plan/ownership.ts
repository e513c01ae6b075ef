import type { Finding } from "../core/diagnostic.js";
import type { ClaimOwner, RenderedUnit, Source } from "../core/files.js";
import { pointer } from "../core/pointer.js";
import { belongsToSource, describeProvenance, readProvenance, sameRepository, type Provenance } from "../core/provenance.js";
import type { Desired } from "./desired.js";
import type { Blobs, Tree } from "./types.js";

/**
 * Ownership: a unit directory and a catalog entry belong to exactly one source repository.
 * A file we would write (or a file in a unit directory we would write to) that exists in the tree
 * but is not in our previous index belongs to someone else, unless the file itself says it is this
 * source's (its first line, see provenance.ts: adopted, an index lost or never written) or is
 * byte-identical. Rendered files name the source's repository id, so a new repository under a
 * renamed one's old name renders different bytes and is not taken for it.
 */
export interface Conflict {
  /** The unit whose directory is taken; absent for a catalog entry or a team's project. */
  unit?: RenderedUnit;
  /** A team-level file (`projects/<owner>.yaml`) that Paved did not render: written by hand. */
  shared?: boolean;
  /** The foreign files, sorted. */
  paths: string[];
  /** What the files say about whose they are; undefined when none says (hand-written files). */
  owner?: Provenance;
  /** Set when the taken file is an identity claim (ingress host + path): what it claims, for whom. */
  claim?: ClaimOwner;
}

/** Existing files that may belong to another source: their content tells whose they are. */
export function conflictCandidates(desired: Desired, tree: Tree, previouslyOwned: ReadonlySet<string>): string[] {
  const candidates: string[] = [];
  const ours = (path: string): boolean => previouslyOwned.has(path) || desired.shared.has(path) || path === desired.indexPath;
  // Files we would write that hold something else: a team's shared project too, which no index
  // lists, so only its own first line can say Paved wrote it.
  for (const [path, sha] of desired.shas) {
    const current = tree.get(path);
    if (current === undefined || current === sha) continue;
    if (desired.shared.has(path) || (desired.owned.has(path) && !ours(path))) candidates.push(path);
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
  source: Source,
): Conflict[] {
  const byKey = new Map<string, Conflict>();
  for (const path of conflictCandidates(desired, tree, previouslyOwned).sort()) {
    const content = blobs.get(path);
    const owner = content === undefined ? undefined : readProvenance(content);
    if (desired.shared.has(path)) {
      // Another repository of the team (or an older config) rendered it: Paved's to rewrite.
      if (owner?.kind === "team" && sameTeam(owner, desired.files.get(path)!)) continue;
      byKey.set(path, { paths: [path], shared: true, ...(owner ? { owner } : {}) });
      continue;
    }
    if (belongsToSource(owner, source)) continue;
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

/**
 * A conflict as a finding about the manifest (`document`, as the plan names it), at what collides:
 * the ingress host of a claim, the service of a unit or catalog entry, the owner of a team's
 * project. The plan locates it (document/locate.ts).
 */
export function conflictFinding(conflict: Conflict, document: string, source: Source): Finding {
  const example = conflict.paths[0]!;
  if (conflict.shared) return sharedConflictFinding(conflict, example, document);
  const more = conflict.paths.length > 1 ? ` and ${conflict.paths.length - 1} more` : "";
  const owner = conflict.owner ? ownerWords(conflict.owner, example, source) : `files no Paved source lists (${example}${more}, maybe written by hand)`;
  if (conflict.claim) {
    const { claim } = conflict;
    const message =
      `${claim.description} (${claim.service} in ${claim.environment}) is already routed by ${owner}. ` +
      "Two Ingresses with one host and path on a cluster would take each other's traffic: choose another host or path, or remove it from its owner first.";
    return { severity: "error", code: "ingress-conflict", message, at: { document, pointer: claim.pointer } };
  }
  const service = conflict.unit?.service ?? catalogService(example);
  const where = service === undefined ? "" : pointer("services", service);
  const message = conflict.unit
    ? `${conflict.unit.environment}/${conflict.unit.namespace}/${conflict.unit.service} in the GitOps repository is already taken by ${owner}. ` +
      "A service in an environment and namespace is deployed from one repository only: rename this service, or remove it from its owner first."
    : `${example} in the GitOps repository is already taken by ${owner}. Rename this service, or remove it from its owner first.`;
  return { severity: "error", code: "ownership-conflict", message, at: { document, pointer: where } };
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

/** The owner as the file names it; when it had this repository's name, say why the name is not enough. */
function ownerWords(owner: Provenance, example: string, source: Source): string {
  const named = `${describeProvenance(owner)} (as ${example} says)`;
  if (owner.kind === "source" && sameRepository(owner.repository, source.repository) && owner.id !== source.id) {
    const ours = source.id === undefined ? "this source has no repository id (the CLI takes it with --source-id)" : `this is repository id ${source.id}`;
    return `${named}, another repository that had this name: ${ours}, and a repository that takes an old name does not inherit what the renamed one deployed`;
  }
  return named;
}

function sameTeam(owner: Provenance & { kind: "team" }, desiredContent: string): boolean {
  const ours = readProvenance(desiredContent);
  return ours?.kind === "team" && ours.owner === owner.owner;
}

/** A team's project that Paved did not write: never replaced silently, never merged into. */
function sharedConflictFinding(conflict: Conflict, example: string, document: string): Finding {
  const says = conflict.owner ? `it says it is ${describeProvenance(conflict.owner)}` : "nothing in it says Paved wrote it (written by hand?)";
  return {
    severity: "error",
    code: "ownership-conflict",
    message:
      `${example} in the GitOps repository was not rendered by Paved for this team: ${says}. Paved overwrites only files it rendered. ` +
      "Move that file aside (or merge what it adds into the org config) and let Paved write it, or make it Paved's by starting it with the line Paved writes.",
    at: { document, pointer: "/owner" },
  };
}

/** Files the previous index lists that are no longer desired: each is deleted only if it says it is ours. */
export function deletionCandidates(desired: Desired, previouslyOwned: ReadonlySet<string>, tree: Tree): string[] {
  return [...previouslyOwned].filter((path) => !desired.files.has(path) && !desired.shared.has(path) && tree.has(path));
}

/**
 * Whether a file the previous index lists may be deleted: only when the file itself says it is this
 * source's. An index is a file anyone with write access can edit; it cannot make Paved delete
 * another source's files, or files written by hand.
 */
export function deletable(content: string | undefined, source: Source): boolean {
  return content !== undefined && belongsToSource(readProvenance(content), source);
}

/** A file the index lists but that is not this source's, kept: the plan says so (about the whole manifest). */
export function keptFinding(path: string, content: string | undefined, indexPath: string, document: string): Finding {
  const claim = content === undefined ? undefined : readProvenance(content);
  const says = claim ? `it says it is ${describeProvenance(claim)}'s` : "nothing in it says Paved wrote it";
  return {
    severity: "warning",
    code: "ownership-index-foreign-file",
    message: `${path} is listed in this repository's ownership index ${indexPath}, but ${says}: Paved does not delete it, and no longer lists it. Delete it by hand if it is really no one's.`,
    at: { document, pointer: "" },
  };
}
