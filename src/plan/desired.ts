import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { RenderedUnit, Source } from "../core/files.js";
import { gitBlobSha } from "./blob-sha.js";
import { buildIndex, parseIndex, type IndexFile, type OwnershipIndex } from "./ownership-index.js";
import { indexPath } from "./paths.js";
import type { DesiredInput, UnitRef } from "./types.js";

/** The desired file set with the lookups both plan phases need, computed once. */
export interface Desired {
  /** Rendered files plus the ownership index. */
  files: Map<string, string>;
  /** Blob sha of every desired file. */
  shas: Map<string, string>;
  index: IndexFile | null;
  /** Where this source's index lives, whether or not it is still desired. */
  indexPath: string;
  /** Unit files and catalog entries: what this source claims (the index itself excluded). */
  owned: Set<string>;
  /** Team-level files several sources write identically: never conflicts, never deleted. */
  shared: Set<string>;
  /** Unit directory → rendered unit. */
  unitDirs: Map<string, RenderedUnit>;
  /** Desired path → its unit. */
  unitOf: Map<string, UnitRef>;
  diagnostics: Diagnostic[];
  /** False when validation or rendering failed: nothing is planned. */
  valid: boolean;
  /** Parses an index, remembering the last one: both plan phases read the same previous index. */
  parseIndex: (content: string) => OwnershipIndex;
}

export function resolveDesired(input: DesiredInput, source: Source, config: ResolvedConfig): Desired {
  const diagnostics = [...(input.diagnostics ?? []), ...input.rendered.diagnostics];
  const valid = !hasErrors(diagnostics);
  const index = !valid ? null : input.index !== undefined ? input.index : buildIndex(input.units, input.rendered, source, config);
  const files = new Map(valid ? input.rendered.files : []);
  if (index) files.set(index.path, index.content);
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
    indexPath: indexPath(config, source.repository),
    owned,
    shared: new Set(valid ? input.rendered.shared : []),
    unitDirs,
    unitOf,
    diagnostics,
    valid,
    parseIndex: rememberLast(parseIndex),
  };
}

function rememberLast<T>(parse: (content: string) => T): (content: string) => T {
  let last: { content: string; value: T } | undefined;
  return (content) => {
    if (last?.content !== content) last = { content, value: parse(content) };
    return last.value;
  };
}
