import type { FileWrite } from "../plan/types.js";
import { httpStatus, NO_RETRY, type GitHub, type Repo } from "./client.js";

export interface ReviewPullRequest {
  number: number;
  url: string;
  action: "created" | "updated" | "unchanged";
}

/**
 * An environment configured `mode: pull-request` gets its changes on a branch of the GitOps repository
 * and a pull request there, updated in place on later merges, instead of a direct commit. The branch
 * belongs to Paved (one per source repository and environment), so it is rebuilt on the current
 * default branch every time: it always shows exactly what merging would change now.
 */
export async function proposeChanges(
  gh: GitHub,
  repo: Repo,
  base: { branch: string; commit: string; tree: string },
  branch: string,
  changes: FileWrite[],
  message: string,
  title: string,
  body: string,
): Promise<ReviewPullRequest> {
  const tree = await gh.request("POST /repos/{owner}/{repo}/git/trees", {
    ...repo,
    base_tree: base.tree,
    tree: changes.map((c) =>
      c.content === null
        ? { path: c.path, mode: "100644" as const, type: "blob" as const, sha: null }
        : { path: c.path, mode: "100644" as const, type: "blob" as const, content: c.content },
    ),
  });
  const current = await branchHead(gh, repo, branch);
  const sameTree = current !== null && current.tree === tree.data.sha && current.parent === base.commit;
  if (!sameTree) {
    const commit = await gh.request("POST /repos/{owner}/{repo}/git/commits", { ...repo, message, tree: tree.data.sha, parents: [base.commit] });
    if (current === null) {
      await gh.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: `refs/heads/${branch}`, sha: commit.data.sha });
    } else {
      await gh.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref: `heads/${branch}`, sha: commit.data.sha, force: true });
    }
  }
  const open = (await gh.request("GET /repos/{owner}/{repo}/pulls", { ...repo, head: `${repo.owner}:${branch}`, state: "open" })).data;
  const existing = open[0];
  if (existing) {
    if (existing.title === title && existing.body === body && sameTree) return { number: existing.number, url: existing.html_url, action: "unchanged" };
    await gh.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: existing.number, title, body });
    return { number: existing.number, url: existing.html_url, action: "updated" };
  }
  const created = await gh.request("POST /repos/{owner}/{repo}/pulls", { ...repo, head: branch, base: base.branch, title, body, ...NO_RETRY });
  return { number: created.data.number, url: created.data.html_url, action: "created" };
}

async function branchHead(gh: GitHub, repo: Repo, branch: string): Promise<{ tree: string; parent: string | undefined } | null> {
  try {
    const ref = await gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${branch}` });
    const commit = await gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...repo, commit_sha: ref.data.object.sha });
    return { tree: commit.data.tree.sha, parent: commit.data.parents[0]?.sha };
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
}

/** `paved/<source owner>/<source repo>/<environment>`: one review branch per source and environment. */
export function reviewBranch(sourceRepository: string, environment: string): string {
  return `paved/${sourceRepository.toLowerCase()}/${environment}`;
}
