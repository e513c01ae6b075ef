/** Rendered files for the GitOps repository: path relative to the repository root → content. */
export type FileSet = Map<string, string>;

/** The source repository (and commit) a manifest comes from. */
export interface Source {
  /** owner/name */
  repository: string;
  /**
   * The repository's stable identity: GitHub's `repository.id` (the App and the Action), or what the
   * CLI is told with `--source-id`. Ownership follows it across renames; absent, the name is the identity.
   */
  id?: string;
  /** Commit sha, when known; used in commit messages and links, never inside rendered files. */
  sha?: string;
  /** Pull request number, when known. */
  pullRequest?: number;
}

/** The files of one unit (service × environment), all under `dir` = `<directory>/<env>/<namespace>/<service>`. */
export interface RenderedUnit {
  environment: string;
  service: string;
  namespace: string;
  dir: string;
  paths: string[];
}

/** The unit behind an identity claim file (render/ingress-claims.ts). */
export interface ClaimOwner {
  environment: string;
  service: string;
  /** The manifest pointer to blame: the ingress host where it was written. */
  pointer: string;
  /** "ingress api.acme.io/ on cluster https://…" */
  description: string;
  /** The claim file's content: bookkeeping, added to the desired files by the plan like the index. */
  content: string;
}

/** What `render` produces for one source repository. */
export interface RenderResult {
  /** Every rendered file, keyed by path relative to the GitOps repository root. */
  files: FileSet;
  units: RenderedUnit[];
  /** Paths this source owns (unit files and catalog entries): removing the source deletes exactly these. */
  owned: string[];
  /** Team-level files (`projects/<owner>.yaml`) that every source of the same owner renders identically; never deleted by one source. */
  shared: string[];
  /**
   * Identity claim files (ingress host + path per cluster) → the unit that claims them. Not in
   * `files` (they are not objects); listed in their unit's `paths`, so the source owns them.
   */
  claims?: ReadonlyMap<string, ClaimOwner>;
  diagnostics: import("./diagnostic.js").Diagnostic[];
}

/** What `renderUnits` returns: its problems as findings (a document and a pointer), before anyone locates them. */
export type RenderOutput = Omit<RenderResult, "diagnostics"> & { findings: import("./diagnostic.js").Finding[] };
