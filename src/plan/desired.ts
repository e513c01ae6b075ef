import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { ClaimOwner, RenderedUnit, RenderResult, Source } from "../core/files.js";
import { gitBlobSha } from "./blob-sha.js";
import { buildIndex, parseIndex, type IndexFile, type OwnershipIndex } from "./ownership-index.js";
import { indexPath, legacyIndexPath } from "./paths.js";
import type { DesiredInput, Tree, UnitRef } from "./types.js";

/** The desired file set with the lookups both plan phases need, computed once. */
export interface Desired {
  /** Rendered files plus the bookkeeping: identity claims and the ownership index. */
  files: Map<string, string>;
  /** Blob sha of every desired file. */
  shas: Map<string, string>;
  index: IndexFile | null;
  /** Where this source's index lives, whether or not it is still desired. */
  indexPath: string;
  /** Where its index lived before it was keyed by id (a source with an id migrates from there); absent without an id. */
  legacyIndexPath?: string;
  /** Unit files and catalog entries: what this source claims (the index itself excluded). */
  owned: Set<string>;
  /** Team-level files several sources write identically: never conflicts, never deleted. */
  shared: Set<string>;
  /** Unit directory → rendered unit. */
  unitDirs: Map<string, RenderedUnit>;
  /** Desired path → its unit. */
  unitOf: Map<string, UnitRef>;
  /** Identity claim files (ingress host + path) → the unit that claims them. */
  claims: ReadonlyMap<string, ClaimOwner>;
  diagnostics: Diagnostic[];
  /** False when validation or rendering failed: nothing is planned. */
  valid: boolean;
  /** Parses an index, remembering the last one: both plan phases read the same previous index. */
  parseIndex: (content: string) => OwnershipIndex;
  /**
   * Paths of the tree inside our unit directories that we do not render, remembering the last tree
   * (a snapshot, never mutated): the fetch rounds and the plan scan the whole GitOps tree once.
   */
  foreignInUnitDirs: (tree: Tree) => string[];
}

/** An index already parsed (the one in the tree, read by the caller too): `parseIndex` of its content returns it without parsing again. */
export interface ParsedIndex {
  content: string;
  index: OwnershipIndex;
}

export function resolveDesired(input: DesiredInput, source: Source, config: ResolvedConfig, parsed?: ParsedIndex): Desired {
  const diagnostics = [...(input.diagnostics ?? []), ...input.rendered.diagnostics];
  const valid = !hasErrors(diagnostics);
  const index = !valid ? null : input.index !== undefined ? input.index : buildIndex(input.units, input.rendered, source, config);
  const files = valid ? desiredFiles(input.rendered, index) : new Map<string, string>();
  const shas = new Map<string, string>();
  for (const [path, content] of files) shas.set(path, gitBlobSha(content));
  const owned = new Set(valid ? input.rendered.owned : []);
  const unitDirs = new Map<string, RenderedUnit>();
  const unitOf = new Map<string, UnitRef>();
  for (const unit of valid ? input.rendered.units : []) {
    unitDirs.set(unit.dir, unit);
    const ref = { environment: unit.environment, service: unit.service };
    for (const path of unit.paths) {
      owned.add(path);
      unitOf.set(path, ref);
    }
  }
  return {
    files,
    shas,
    index,
    indexPath: indexPath(config, source),
    ...(source.id !== undefined ? { legacyIndexPath: legacyIndexPath(config, source.repository) } : {}),
    owned,
    shared: new Set(valid ? input.rendered.shared : []),
    unitDirs,
    unitOf,
    claims: valid ? (input.rendered.claims ?? new Map()) : new Map(),
    diagnostics,
    valid,
    parseIndex: rememberLast(parseIndex, parsed && { key: parsed.content, value: parsed.index }),
    foreignInUnitDirs: rememberLast((tree: Tree) => filesInUnitDirs(tree, unitDirs, files)),
  };
}

/** What the GitOps tree holds for a source: its rendered files, its identity claims and its index. */
export function desiredFiles(rendered: Pick<RenderResult, "files" | "claims">, index: IndexFile | null): Map<string, string> {
  const files = new Map(rendered.files);
  for (const [path, claim] of rendered.claims ?? []) files.set(path, claim.content);
  if (index) files.set(index.path, index.content);
  return files;
}

function rememberLast<K, T>(compute: (key: K) => T, known?: { key: K; value: T }): (key: K) => T {
  let last = known;
  return (key) => {
    if (last === undefined || last.key !== key) last = { key, value: compute(key) };
    return last.value;
  };
}

/** Tree paths inside one of `unitDirs` and not in `except`, in one pass with one slice per path. */
function filesInUnitDirs(tree: Tree, unitDirs: ReadonlyMap<string, unknown>, except: ReadonlyMap<string, unknown>): string[] {
  // Unit directories come from one layout, so they have one depth: only that ancestor is looked up.
  const depths = [...new Set([...unitDirs.keys()].map((dir) => dir.split("/").length))].sort((a, b) => a - b);
  const found: string[] = [];
  if (depths.length === 0) return found;
  for (const path of tree.keys()) {
    if (!except.has(path) && ancestorIn(path, depths, unitDirs)) found.push(path);
  }
  return found;
}

/** Whether the ancestor of `path` with one of `depths` segments is a key of `dirs` (depths ascending). */
function ancestorIn(path: string, depths: readonly number[], dirs: ReadonlyMap<string, unknown>): boolean {
  let slash = -1;
  let segments = 0;
  for (const depth of depths) {
    for (; segments < depth; segments++) {
      slash = path.indexOf("/", slash + 1);
      if (slash === -1) return false;
    }
    if (dirs.has(path.slice(0, slash))) return true;
  }
  return false;
}
