/**
 * The portal's facts from local clones: the GitOps repository (indexes at HEAD, Paved commits and
 * the index at each, for the version deployed) and, optionally, clones of source repositories (to
 * date each change's first commit and merge). No Argo CD feedback exists locally: deployments are
 * `committed`, and the metrics say they were measured to the GitOps commit.
 */
import type { ResolvedConfig } from "../config/types.js";
import { parsePavedCommit } from "../portal/gitops-commit.js";
import { assembleFacts, changeKey, indexImages, type ChangeFacts, type GitopsCommit } from "../portal/assemble.js";
import type { PortalFacts } from "../portal/facts.js";
import { parseIndex, type OwnershipIndex } from "../plan/ownership-index.js";
import { joinPath, legacyIndexPath } from "../plan/paths.js";
import { listPreviews, previewsRoot, recordPaths } from "../previews/record.js";
import type { GitRunner } from "./local.js";

/** GitOps commits read per refresh: the page's history and the metrics' window come from these. */
export const LOCAL_HISTORY_LIMIT = 500;

export async function localPortalFacts(
  gitops: GitRunner,
  sources: GitRunner[],
  config: ResolvedConfig,
  origin: string,
): Promise<PortalFacts> {
  const text = async (args: string[]) => (await gitops(args)).toString("utf8");
  const indexDir = joinPath(config.gitops.directory, ".paved", "sources");
  const listed = (await text(["ls-tree", "-r", "--name-only", "HEAD", "--", indexDir])).split("\n").filter((p) => p.endsWith(".yaml"));
  const indexes: OwnershipIndex[] = [];
  const pathOf = new Map<string, string>();
  for (const path of listed) {
    try {
      const index = parseIndex(await text(["show", `HEAD:${path}`]));
      indexes.push(index);
      pathOf.set(index.source.toLowerCase(), path);
    } catch {
      // A hand-edited or corrupt index describes nothing the page can trust.
    }
  }
  const log = await text(["log", `-n${LOCAL_HISTORY_LIMIT}`, "--format=%H%x1f%ct%x1f%an%x1f%B%x1e", "HEAD"]);
  const commits: GitopsCommit[] = [];
  const changes = new Map<string, ChangeFacts>();
  for (const entry of log.split("\x1e")) {
    const [sha, ct, author, message] = entry.replace(/^\n+/, "").split("\x1f");
    if (!sha || !ct || message === undefined) continue;
    const commit: GitopsCommit = { sha, message, committedAt: Number(ct) * 1000, ...(author ? { author } : {}) };
    const paved = parsePavedCommit(message);
    if (paved) {
      const path = pathOf.get(paved.repository.toLowerCase()) ?? legacyIndexPath(config, paved.repository);
      commit.images = indexImages(await gitops(["show", `${sha}:${path}`]).then((b) => b.toString("utf8"), () => null));
      const key = changeKey(paved.repository, paved.sourceSha);
      if (!changes.has(key)) {
        const change = await sourceChange(sources, paved.sourceSha);
        if (change) changes.set(key, change);
      }
    }
    commits.push(commit);
  }
  const previewFiles = new Map<string, string>();
  const inTree = (await text(["ls-tree", "-r", "--name-only", "HEAD", "--", previewsRoot(config.gitops.directory)])).split("\n");
  for (const path of recordPaths(inTree, config.gitops.directory)) previewFiles.set(path, await text(["show", `HEAD:${path}`]));
  const previews = listPreviews(previewFiles, config.gitops.directory);
  return assembleFacts({ config, indexes, commits, deployments: [], changes, previews, web: null, feedback: false, origin });
}

/**
 * A merge commit's change starts at the oldest commit it brought in (`first-parent..second-parent`),
 * whose author made it; any other commit is its own change.
 */
async function sourceChange(sources: GitRunner[], sha: string): Promise<ChangeFacts | null> {
  for (const git of sources) {
    let head: string;
    try {
      head = (await git(["show", "-s", "--format=%P%x1f%an%x1f%at%x1f%ct", sha])).toString("utf8").trim();
    } catch {
      continue;
    }
    const [parents = "", author = "", at = "0", ct = "0"] = head.split("\x1f");
    const [first, second] = parents.split(" ");
    if (first && second) {
      const brought = (await git(["log", "--format=%at%x1f%an", `${first}..${second}`])).toString("utf8").trim().split("\n").filter(Boolean);
      const oldest = brought.at(-1)?.split("\x1f");
      if (oldest) return { firstCommitAt: Number(oldest[0]) * 1000, mergedAt: Number(ct) * 1000, author: oldest[1] ?? author };
    }
    return { firstCommitAt: Number(at) * 1000, mergedAt: Number(ct) * 1000, author };
  }
  return null;
}
