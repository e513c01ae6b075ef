import { hasErrors } from "../core/diagnostic.js";
import { GitHubWriter } from "../gitops/github.js";
import type { GitOpsWriter } from "../gitops/writer.js";
import type { TreeSnapshot, Blobs } from "../plan/types.js";
import { readPlanBlobs } from "./apply.js";
import { fleetPlanner, isIndexPath, type FleetPart, type FleetPlan, type FleetSource, type FleetSourceRef } from "../plan/fleet.js";
import { parseIndex } from "../plan/ownership-index.js";
import { isRepositoryName } from "../plan/paths.js";
import { desiredState } from "./pipeline.js";
import { plannerForDesired } from "./planner.js";
import { fleetCommitMessage } from "../report/fleet.js";
import { httpStatus, parseRepo, type GitHub, type Repo } from "../github/client.js";
import type { OrgSettings } from "../github/org-settings.js";
import { readFileAt } from "../github/read-file.js";

type Settings = Extract<OrgSettings, { ok: true }>;

/** Sources read at once: bounded so a large fleet does not open hundreds of requests together. */
const SOURCE_READ_CONCURRENCY = 8;

export interface PreparedFleet {
  writer: GitOpsWriter & { readonly inner: GitHubWriter };
  gitops: Repo;
  snapshot: TreeSnapshot;
  planner: ReturnType<typeof fleetPlanner>;
  /** The fleet planned against `snapshot`. */
  fleet: FleetPlan;
}

/**
 * Re-plans every source the GitOps repository's ownership indexes list, under `settings` (the new
 * org config), each at the source commit its index records. API calls: the GitOps tree (2), each
 * index (1 per source), each manifest (1 per source; 3 when the index recorded no commit), and the
 * few blobs ownership needs — never one per rendered file.
 */
export async function prepareFleet(
  gh: GitHub,
  gitopsClient: GitHub,
  settings: Settings,
  configAt: string,
  /** Only the sources whose index is at one of these paths (a drift revert); every source when absent. */
  only?: ReadonlySet<string>,
): Promise<PreparedFleet> {
  const { config } = settings;
  const gitops = parseRepo(config.gitops.repository!);
  const writer = cachedBlobs(new GitHubWriter(gitopsClient, gitops, config.gitops.branch));
  // 1. The GitOps tree once, and every index in it.
  const snapshot = await writer.readTree();
  const indexPaths = [...snapshot.tree.keys()].filter((p) => isIndexPath(p, config) && (!only || only.has(p))).sort();
  const indexes = await writer.readBlobs(indexPaths, snapshot);
  // 2. Each source's manifest at its recorded commit, checked and rendered under the new config.
  const settled: FleetSource[] = [];
  const parts: FleetPart[] = [];
  await eachLimited(indexPaths, SOURCE_READ_CONCURRENCY, async (path) => {
    const outcome = await prepareSource(gh, settings, path, indexes.get(path));
    if ("planner" in outcome) parts.push(outcome);
    else settled.push(outcome);
  });
  parts.sort((a, b) => a.repository.localeCompare(b.repository));
  // 3. One plan over all of them against the same tree.
  const planner = fleetPlanner(parts, settled, config, (fleet) => fleetCommitMessage(fleet, configAt));
  const blobs = await readPlanBlobs(writer, planner, snapshot);
  planner.plan(snapshot, blobs);
  return { writer, gitops, snapshot, planner, fleet: planner.last()! };
}

async function prepareSource(gh: GitHub, settings: Settings, indexPath: string, content: string | undefined): Promise<FleetPart | FleetSource> {
  const { config } = settings;
  let repository: string;
  let recorded: string | undefined;
  let id: string | undefined;
  try {
    const index = parseIndex(content ?? "");
    repository = index.source;
    recorded = index.commit;
    id = index.id;
  } catch (error) {
    return { kind: "unreadable", repository: indexPath, commitRecorded: false, reason: `its ownership index ${indexPath} cannot be read (${(error as Error).message})` };
  }
  if (!isRepositoryName(repository)) {
    return { kind: "unreadable", repository: indexPath, commitRecorded: false, reason: `its ownership index ${indexPath} names no repository` };
  }
  const repo = parseRepo(repository);
  const commit = recorded ?? (await defaultHead(gh, repo));
  const ref: FleetSourceRef = { repository, commitRecorded: recorded !== undefined, ...(commit ? { commit } : {}) };
  if (!commit) return { ...ref, kind: "unreadable", reason: "the repository cannot be read (deleted, renamed, or Paved is not installed on it)" };
  const manifestPath = config.manifest;
  const manifest = await readFileAt(gh, repo, manifestPath, commit);
  // Never re-render a missing manifest: that would delete the source's files because a read failed.
  if (manifest === null) return { ...ref, kind: "unreadable", reason: `no \`${manifestPath}\` at that commit` };
  const source = { repository, sha: commit, ...(id !== undefined ? { id } : {}) };
  const desired = desiredState(manifest, manifestPath, config, source, settings.templates, settings.renderOptions);
  const diagnostics = [...desired.check.diagnostics, ...desired.rendered.diagnostics];
  if (hasErrors(diagnostics)) return { ...ref, kind: "invalid", diagnostics };
  const planner = plannerForDesired(desired, { source, config, manifestText: manifest, manifestFile: manifestPath, fetch: { diffLimit: 0 } });
  return { ...ref, planner };
}

/** The head of a source's default branch, for an index that recorded no commit; undefined when the repository is gone. */
async function defaultHead(gh: GitHub, repo: Repo): Promise<string | undefined> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}", { ...repo });
    const ref = await gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${data.default_branch}` });
    return ref.data.object.sha;
  } catch (error) {
    if (httpStatus(error) === 404 || httpStatus(error) === 403) return undefined;
    throw error;
  }
}

/** A writer that remembers blobs by sha: the indexes read to find the sources are not fetched again to plan them. */
function cachedBlobs(inner: GitHubWriter): GitOpsWriter & { readonly inner: GitHubWriter } {
  const bySha = new Map<string, string>();
  return {
    inner,
    readTree: () => inner.readTree(),
    commit: (changes, message, expected) => inner.commit(changes, message, expected),
    async readBlobs(paths, from) {
      const blobs: Blobs = new Map();
      const missing: string[] = [];
      for (const path of paths) {
        const sha = from.tree.get(path);
        const known = sha === undefined ? undefined : bySha.get(sha);
        if (known !== undefined) blobs.set(path, known);
        else missing.push(path);
      }
      for (const [path, content] of await inner.readBlobs(missing, from)) {
        blobs.set(path, content);
        bySha.set(from.tree.get(path)!, content);
      }
      return blobs;
    },
  };
}

async function eachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}
