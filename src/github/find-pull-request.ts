import type { GitHub, Repo } from "./client.js";

export interface PullRequestRef {
  number: number;
  headSha: string;
  baseSha: string;
}

interface PullSummary {
  number: number;
  state: string;
  head: { sha: string };
  base: { sha: string };
  merge_commit_sha?: string | null;
  merged_at?: string | null;
}

/** The open pull request whose head is this commit (fork PRs included: they are listed in the base repo). */
export async function findPullRequestForHead(gh: GitHub, repo: Repo, headSha: string): Promise<PullRequestRef | null> {
  const open = (await gh.paginate("GET /repos/{owner}/{repo}/pulls", { ...repo, state: "open", per_page: 100 })) as PullSummary[];
  const pr = open.find((p) => p.head.sha === headSha);
  return pr ? { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha } : null;
}

/** The merged pull request that produced this commit on the default branch, if any (merge, squash or rebase). */
export async function findMergedPullRequest(gh: GitHub, repo: Repo, commitSha: string): Promise<number | null> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: commitSha });
  const pulls = data as PullSummary[];
  const merged = pulls.find((p) => p.merge_commit_sha === commitSha) ?? pulls.find((p) => p.merged_at);
  return merged?.number ?? null;
}
