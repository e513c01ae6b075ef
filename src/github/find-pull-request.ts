import { parseRepo, type GitHub, type Repo } from "./client.js";

export interface PullRequestRef {
  number: number;
  headSha: string;
  baseSha: string;
  baseRef: string;
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
  return pr ? { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, baseRef: pr.base.ref, head: headOf(pr, repo) } : null;
}

/** A pull request as GitHub has it now: a webhook payload's state, head and labels may be older (a late delivery). */
export interface PullRequestNow {
  open: boolean;
  headSha: string;
  labels: string[];
}

export async function pullRequestNow(gh: GitHub, repo: Repo, number: number): Promise<PullRequestNow> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: number });
  return { open: data.state === "open", headSha: data.head.sha, labels: data.labels.map((l) => l.name) };
}

/** Whether the pull request is still open with this head commit: what a job for an older head must not overwrite (a plan comment, a preview). */
export async function isOpenAtHead(gh: GitHub, repo: Repo, number: number, headSha: string): Promise<boolean> {
  const now = await pullRequestNow(gh, repo, number);
  return now.open && now.headSha === headSha;
}

export interface MergedPullRequest {
  number: number;
  /** The pull request's final head: approvals count only for it. */
  headSha: string;
  head: { repo: Repo; ref: string };
}

/**
 * The pull request into the default branch whose merge (merge commit, squash or rebase) is exactly
 * this commit. Null for a direct push, and for a commit merged from anywhere else: a branch's own
 * pull requests never vouch for what reaches the default branch.
 */
export async function findMergedPullRequest(gh: GitHub, repo: Repo, commitSha: string, defaultBranch: string): Promise<MergedPullRequest | null> {
  const pulls = (await gh.paginate("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: commitSha, per_page: 100 })) as PullSummary[];
  const merged = pulls.find((p) => p.merged_at && p.merge_commit_sha === commitSha && p.base.ref === defaultBranch);
  return merged ? { number: merged.number, headSha: merged.head.sha, head: headOf(merged, repo) } : null;
}

/** A pull request's head branch and the repository it lives in (a fork's differs; null when the fork is gone). */
export function headOf(pr: { head: { ref: string; repo?: { full_name: string } | null } }, base: Repo): { repo: Repo; ref: string } {
  return { repo: pr.head.repo ? parseRepo(pr.head.repo.full_name) : base, ref: pr.head.repo ? pr.head.ref : "" };
}
