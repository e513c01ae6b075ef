import type { ResolvedConfig } from "../config/types.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { RenderResult, Source } from "../core/files.js";
import type { Unit } from "../core/unit.js";
import type { ManifestCheck } from "../manifest/check.js";
import type { IndexFile } from "./ownership-index.js";

/** A GitOps tree as git sees it: path (relative to the repository root) → blob sha. */
export type Tree = Map<string, string>;

/** File contents fetched from the tree: path → content. */
export type Blobs = Map<string, string>;

export type FileAction = "create" | "update" | "delete";

export interface UnitRef {
  environment: string;
  service: string;
}

export interface FileChange {
  path: string;
  action: FileAction;
  /** The unit the file belongs to; absent for the index, catalog entries and team projects. */
  unit?: UnitRef;
  /** Unified diff; "" when omitted (see `diffOmitted`). */
  diff: string;
  /** Why there is no diff: "diff too large (2,345 lines)", "content not fetched". */
  diffOmitted?: string;
  /** The current content, when it was fetched (updates, deletions). */
  before?: string;
  /** The new content: always present for create and update. */
  after?: string;
}

export type UnitAction = "create" | "update" | "delete" | "unchanged";

export interface UnitChange extends UnitRef {
  namespace: string;
  action: UnitAction;
  /** In words, one change per line: "replicas 2 → 3", "env LOG_LEVEL added". */
  summary: string[];
  /** How many of the unit's files change. */
  files: number;
}

export type RiskKind = "production" | "deletion" | "dependency-removal" | "claim-rename" | "scale-to-zero" | "host-change";

export interface Risk {
  kind: RiskKind;
  environment: string;
  service?: string;
  message: string;
}

export interface Plan {
  /** Short sha256 of every input the plan depends on: equal ids mean equal plans. */
  id: string;
  /** False when the manifest has errors or another source owns a path: then nothing is applied. */
  valid: boolean;
  diagnostics: Diagnostic[];
  /** Sorted by path; empty when invalid. */
  changes: FileChange[];
  /** Every desired or previously owned unit, in config environment order then service. */
  units: UnitChange[];
  risks: Risk[];
  /** Environments with changes, in config order. */
  environments: string[];
  /** The source commit the GitOps repository last applied for this source (from its index), when recorded. */
  lastApplied?: string;
}

/** What the manifest asks for: the first half of the plan's input, shared by both plan phases. */
export interface DesiredInput {
  rendered: RenderResult;
  units: Unit[];
  /** Validation diagnostics (render diagnostics are in `rendered`); any error means nothing is planned. */
  diagnostics?: Diagnostic[];
  /** The ownership index; built from units and rendered files when absent. */
  index?: IndexFile | null;
}

export interface PlanInput extends DesiredInput {
  tree: Tree;
  blobs: Blobs;
  source: Source;
  config: ResolvedConfig;
  /** Included in the plan id when given (the rendered files cover it otherwise). */
  manifestText?: string;
  /** The manifest's path in the source repository, for diagnostics (default: the config's `manifest`). */
  manifestFile?: string;
  /** Locates a JSON Pointer of the manifest (line, column), for ownership diagnostics. */
  locate?: (pointer: string) => { line: number; column: number } | undefined;
  /** Paved's version: rendering depends on it. */
  version: string;
  /** The commit (or tree) the tree was read from; else the tree entries feed the plan id. */
  treeId?: string;
  /**
   * Applying: the source commit to record in the ownership index. Absent (a plan that is only shown):
   * the index keeps the commit it records, so recording is never a change of its own.
   */
  recordCommit?: string;
}

/** The GitOps tree one plan is made against (read by a `GitOpsWriter`, src/gitops/writer.ts). */
export interface TreeSnapshot {
  /** The commit the tree was read from: what `commit` expects the branch still to point at. "" when the branch has no commit yet. */
  treeId: string;
  /** Every file: path (relative to the repository root) → blob sha. */
  tree: Tree;
}

/** A file to write (content) or delete (null). */
export interface FileWrite {
  path: string;
  content: string | null;
}

/** The pure half of applying, bound to one desired state (see `planner` in src/flows/planner.ts). */
export interface Planner {
  blobsNeeded(tree: Tree, known: Blobs): string[];
  plan(snapshot: TreeSnapshot, blobs: Blobs): Plan;
  message(plan: Plan): string;
}

/**
 * The desired state of one source repository: manifest text + org config → checked units →
 * rendered files → ownership index (computed by src/flows/pipeline.ts, the one pipeline every
 * shell plans with).
 */
export interface DesiredState extends DesiredInput {
  check: ManifestCheck;
  rendered: RenderResult;
  index: IndexFile | null;
  /** Locates a JSON Pointer of the manifest, for diagnostics the plan adds (ownership conflicts). */
  locate: (pointer: string) => { line: number; column: number } | undefined;
}
