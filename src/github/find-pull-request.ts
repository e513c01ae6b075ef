import { parseRepo, type GitHub, type Repo } from "./client.js";

export interface PullRequestRef {
  number: number;
  headSha: string;
  baseSha: string;
  head: { repo: Repo; ref: string };
}

interface PullSummary {
  number: number;
  state: string;
  head: { sha: string; ref: string; repo?: { full_name: string } | null };
  base: { sha: string; ref: string };
  merge_commit_sha?: string | null;
  merged_at?: string | null;
}

/** The open pull request whose head is this commit (fork PRs included: they are listed in the base repo). */
export async function findPullRequestForHead(gh: GitHub, repo: Repo, headSha: string): Promise<PullRequestRef | null> {
  const open = (await gh.paginate("GET /repos/{owner}/{repo}/pulls", { ...repo, state: "open", per_page: 100 })) as PullSummary[];
  const pr = open.find((p) => p.head.sha === headSha);
  return pr ? { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, head: headOf(pr, repo) } : null;
}

/** The merged pull request that produced this commit on the default branch, if any (merge, squash or rebase). */
export async function findMergedPullRequest(gh: GitHub, repo: Repo, commitSha: string): Promise<number | null> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: commitSha });
  const pulls = data as PullSummary[];
  const merged = pulls.find((p) => p.merge_commit_sha === commitSha) ?? pulls.find((p) => p.merged_at);
  return merged?.number ?? null;
}

/** A pull request's head branch and the repository it lives in (a fork's differs; null when the fork is gone). */
export function headOf(pr: { head: { ref: string; repo?: { full_name: string } | null } }, base: Repo): { repo: Repo; ref: string } {
  return { repo: pr.head.repo ? parseRepo(pr.head.repo.full_name) : base, ref: pr.head.repo ? pr.head.ref : "" };
}
