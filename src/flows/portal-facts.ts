/**
 * The portal's facts for one installation, read through GitHub and cached: the org config, the
 * GitOps tree and its ownership indexes, the GitOps history, each source's Deployments and their
 * statuses, and each change's pull request. What cannot change is kept for good (a blob by its sha,
 * the statuses of a finished deployment, a merged pull request); the rest for `ttlMs`.
 *
 * Calls per refresh are bounded (BENCHMARKS.md): 2 for the config and the tree, 1 to HISTORY_PAGES for the history,
 * 1 per new index blob, 1 per source for its deployments, at most MAX_STATUS_READS status lists,
 * MAX_CHANGE_READS change reads and MAX_VERSION_READS past indexes; within `ttlMs` a page costs none.
 */
import { DEFAULT_CONFIG, loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors } from "../core/diagnostic.js";
import { parseIndex, type OwnershipIndex } from "../plan/ownership-index.js";
import { joinPath } from "../plan/paths.js";
import { assembleFacts, changeKey, indexImages, type ChangeFacts, type GitopsCommit, type RecordedDeployment } from "../portal/assemble.js";
import type { StatusFact } from "../metrics/deployment-facts.js";
import type { PortalFacts } from "../portal/facts.js";
import { parsePavedCommit } from "../portal/gitops-commit.js";
import { listPreviews, recordPaths } from "../previews/record.js";
import { parseRepo, type GitHub } from "../github/client.js";
import { readOrgConfig } from "../github/org-config.js";
import { readFileAt } from "../github/read-file.js";

export const HISTORY_PAGE = 100;
/** GitOps commits read per refresh: up to 5 pages (500, as a local clone), fewer when the history is shorter. */
export const HISTORY_PAGES = 5;
export const MAX_STATUS_READS = 30;
export const MAX_CHANGE_READS = 30;
/** Index reads at past GitOps commits (the version each deployed, for rollbacks) per refresh. */
export const MAX_VERSION_READS = 30;
/** Preview records read per refresh (a record's blob changes on each push of its pull request). */
export const MAX_PREVIEW_READS = 30;

const FINAL = new Set(["success", "failure", "error", "inactive"]);

export class PortalFactsCache {
  private cached: { at: number; facts: PortalFacts } | null = null;
  private pending: Promise<PortalFacts> | null = null;
  private readonly blobs = new Map<string, OwnershipIndex | null>();
  /** Preview records by blob sha: a blob never changes. */
  private readonly records = new Map<string, string>();
  private readonly statuses = new Map<number, { statuses: StatusFact[]; logUrl?: string }>();
  private readonly changes = new Map<string, ChangeFacts>();
  /** GitOps commit sha → `env/service` → image, from the source's index at that commit. */
  private readonly images = new Map<string, Record<string, string>>();

  constructor(
    private readonly gh: GitHub,
    private readonly org: string,
    private readonly web: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One refresh at a time: concurrent pages share it. */
  async facts(): Promise<PortalFacts> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.facts;
    this.pending ??= this.refresh().finally(() => (this.pending = null));
    return this.pending;
  }

  private async refresh(): Promise<PortalFacts> {
    const config = await this.config();
    const facts = config.gitops.repository ? await this.read(config, config.gitops.repository) : assembleFacts({ config, indexes: [], commits: [], deployments: [], changes: new Map(), web: this.web, feedback: true, origin: `${this.org} (no GitOps repository configured)` });
    this.cached = { at: this.now(), facts };
    return facts;
  }

  private async config(): Promise<ResolvedConfig> {
    const source = await readOrgConfig(this.gh, this.org);
    if (source.text === null) return DEFAULT_CONFIG;
    const loaded = loadConfig(source.text, source.location);
    if (!loaded.config || hasErrors(loaded.diagnostics)) throw new Error(`the org config ${source.location} has errors; its check run on .github says which`);
    return loaded.config;
  }

  private async read(config: ResolvedConfig, gitopsRepository: string): Promise<PortalFacts> {
    const gitops = parseRepo(gitopsRepository);
    const branch = config.gitops.branch;
    const { data: tree } = await this.gh.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { ...gitops, tree_sha: branch, recursive: "1" });
    const prefix = `${joinPath(config.gitops.directory, ".paved", "sources")}/`;
    const indexes: OwnershipIndex[] = [];
    const indexPathOf = new Map<string, string>();
    for (const entry of tree.tree) {
      if (entry.type !== "blob" || !entry.path?.startsWith(prefix) || !entry.path.endsWith(".yaml") || !entry.sha) continue;
      if (!this.blobs.has(entry.sha)) {
        const { data } = await this.gh.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...gitops, file_sha: entry.sha });
        let index: OwnershipIndex | null = null;
        try {
          index = parseIndex(Buffer.from(data.content, "base64").toString("utf8"));
        } catch {
          // A hand-edited or corrupt index describes nothing the page can trust.
        }
        this.blobs.set(entry.sha, index);
      }
      const index = this.blobs.get(entry.sha);
      if (index) {
        indexes.push(index);
        indexPathOf.set(index.source.toLowerCase(), entry.path);
      }
    }
    const history = [];
    for (let page = 1; page <= HISTORY_PAGES; page++) {
      const { data } = await this.gh.request("GET /repos/{owner}/{repo}/commits", { ...gitops, sha: branch, per_page: HISTORY_PAGE, page });
      history.push(...data);
      if (data.length < HISTORY_PAGE) break;
    }
    const commits: GitopsCommit[] = history.map((c) => ({
      sha: c.sha,
      message: c.commit.message,
      committedAt: Date.parse(c.commit.committer?.date ?? c.commit.author?.date ?? "") || 0,
    }));
    const pavedCommits = commits.map((c) => ({ commit: c, paved: parsePavedCommit(c.message) })).filter((p) => p.paved !== null);
    let versionReads = 0;
    for (const { commit, paved } of pavedCommits) {
      const path = indexPathOf.get(paved!.repository.toLowerCase());
      if (!path) continue;
      if (!this.images.has(commit.sha) && versionReads < MAX_VERSION_READS) {
        versionReads += 1;
        this.images.set(commit.sha, indexImages(await readFileAt(this.gh, gitops, path, commit.sha)));
      }
      const images = this.images.get(commit.sha);
      if (images) commit.images = images;
    }
    const sources = [...new Set(pavedCommits.map((p) => p.paved!.repository.toLowerCase()))];
    const known = new Set(commits.map((c) => c.sha));
    const deployments: RecordedDeployment[] = [];
    let statusReads = 0;
    for (const source of sources) {
      let listed;
      try {
        ({ data: listed } = await this.gh.request("GET /repos/{owner}/{repo}/deployments", { ...parseRepo(source), per_page: 100 }));
      } catch {
        continue; // The app is not installed there any more: its deployments are unknown.
      }
      for (const d of listed) {
        const payload = (typeof d.payload === "object" && d.payload ? d.payload : {}) as { gitopsCommit?: unknown; applications?: unknown };
        const gitopsCommit = typeof payload.gitopsCommit === "string" ? payload.gitopsCommit : undefined;
        if (!gitopsCommit || !known.has(gitopsCommit)) continue;
        const id = Number(d.id);
        let read = this.statuses.get(id);
        if (!read && statusReads < MAX_STATUS_READS) {
          statusReads += 1;
          const { data } = await this.gh.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", { ...parseRepo(source), deployment_id: id, per_page: 100 });
          const logUrl = data.find((s) => s.log_url)?.log_url;
          read = {
            statuses: data.map((s) => ({ state: s.state as StatusFact["state"], at: Date.parse(s.created_at), ...(s.description ? { description: s.description } : {}) })),
            ...(logUrl ? { logUrl } : {}),
          };
          // Newest first: a finished deployment's statuses no longer change.
          if (FINAL.has(data[0]?.state ?? "")) this.statuses.set(id, read);
        }
        deployments.push({
          repository: source,
          environment: d.environment,
          gitopsCommit,
          statuses: read?.statuses ?? [],
          ...(read?.logUrl ? { logUrl: read.logUrl } : {}),
          ...versionsOf(payload.applications),
        });
      }
    }
    const changes = new Map<string, ChangeFacts>();
    let changeReads = 0;
    for (const { paved } of pavedCommits) {
      const key = changeKey(paved!.repository, paved!.sourceSha);
      if (changes.has(key)) continue;
      let change = this.changes.get(key);
      if (!change && changeReads < MAX_CHANGE_READS) {
        changeReads += 1;
        change = await this.change(paved!.repository, paved!.sourceSha, paved!.pullRequest);
        if (change) this.changes.set(key, change);
      }
      if (change) changes.set(key, change);
    }
    const previews = await this.previews(gitops, config, tree.tree);
    return assembleFacts({ config, indexes, commits, deployments, changes, previews, web: this.web, feedback: true, origin: `${gitopsRepository}@${branch}` });
  }

  /** The open previews' records, one blob read per record not seen before (at most MAX_PREVIEW_READS). */
  private async previews(gitops: { owner: string; repo: string }, config: ResolvedConfig, tree: ReadonlyArray<{ path?: string; sha?: string; type?: string }>) {
    const shaOf = new Map(tree.filter((e) => e.type === "blob" && e.path && e.sha).map((e) => [e.path!, e.sha!]));
    const files = new Map<string, string>();
    let reads = 0;
    for (const path of recordPaths(shaOf.keys(), config.gitops.directory)) {
      const sha = shaOf.get(path)!;
      if (!this.records.has(sha)) {
        if (reads >= MAX_PREVIEW_READS) continue;
        reads += 1;
        const { data } = await this.gh.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...gitops, file_sha: sha });
        this.records.set(sha, Buffer.from(data.content, "base64").toString("utf8"));
      }
      files.set(path, this.records.get(sha)!);
    }
    return listPreviews(files, config.gitops.directory);
  }

  /** The pull request's author, oldest commit and merge; for a direct push, the commit itself. */
  private async change(repository: string, sha: string, pullRequest: number | undefined): Promise<ChangeFacts | undefined> {
    const repo = parseRepo(repository);
    try {
      if (pullRequest !== undefined) {
        const { data: pr } = await this.gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: pullRequest });
        const { data: commits } = await this.gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", { ...repo, pull_number: pullRequest, per_page: 100 });
        const first = Math.min(...commits.map((c) => Date.parse(c.commit.author?.date ?? "") || Infinity));
        return {
          ...(pr.user?.login ? { author: pr.user.login } : {}),
          ...(Number.isFinite(first) ? { firstCommitAt: first } : {}),
          ...(pr.merged_at ? { mergedAt: Date.parse(pr.merged_at) } : {}),
        };
      }
      const { data: c } = await this.gh.request("GET /repos/{owner}/{repo}/commits/{ref}", { ...repo, ref: sha });
      const at = Date.parse(c.commit.author?.date ?? "");
      const merged = Date.parse(c.commit.committer?.date ?? "");
      return {
        ...(c.author?.login || c.commit.author?.name ? { author: c.author?.login ?? c.commit.author!.name! } : {}),
        ...(Number.isFinite(at) ? { firstCommitAt: at } : {}),
        ...(Number.isFinite(merged) ? { mergedAt: merged } : {}),
      };
    } catch {
      return undefined;
    }
  }
}

/** `applications: [{ service, version }]` in the payload (recorded since Argo CD feedback), as service → version. */
function versionsOf(applications: unknown): { versions?: Record<string, string> } {
  if (!Array.isArray(applications)) return {};
  const versions: Record<string, string> = {};
  for (const a of applications) {
    if (a && typeof a === "object" && typeof (a as { service?: unknown }).service === "string" && typeof (a as { version?: unknown }).version === "string") {
      versions[(a as { service: string }).service] = (a as { version: string }).version;
    }
  }
  return Object.keys(versions).length > 0 ? { versions } : {};
}
