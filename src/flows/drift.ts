import type { Log } from "../core/log.js";
import { GitHubWriter } from "../gitops/github.js";
import { ownedFiles, updateDrift, type CommitTouch, type DriftEntry } from "../plan/drift.js";
import { parseIndex, type OwnershipIndex } from "../plan/ownership-index.js";
import { isIndexPath } from "../plan/fleet.js";
import type { Tree } from "../plan/types.js";
import { DRIFT_MARKER, DRIFT_TITLE, driftIssueBody, driftIssueState } from "../report/drift.js";
import { fullName, httpStatus, NO_RETRY, type GitHub, type Repo } from "../github/client.js";
import { prepareFleet } from "./fleet-plan.js";
import type { OrgSettings } from "../github/org-settings.js";
import type { PushFacts } from "../github/push-trigger.js";
import { webRoot } from "../github/web-links.js";

type Settings = Extract<OrgSettings, { ok: true }>;
const LABEL = "paved-drift";
const ZERO_SHA = /^0+$/;
/** GitHub lists at most 20 commits in a push payload; beyond that the file lists are incomplete. */
const PAYLOAD_COMMIT_LIMIT = 20;

interface PushedCommit {
  id: string;
  author?: { name?: string; email?: string | null; username?: string };
  committer?: { name?: string; email?: string | null; username?: string };
  added?: string[];
  modified?: string[];
  removed?: string[];
}

export interface DriftPushTarget extends Omit<PushFacts, "commits"> {
  repo: Repo;
  commits: PushedCommit[];
  /** Who moved the branch (GitHub's, not the commits' claimed authors). */
  sender?: { login: string; type?: string } | null;
  settings: Settings;
  /** The app's slug (`paved`): its commits are authored and committed by `<slug>[bot]`. */
  appSlug: () => Promise<string>;
  log: Pick<Log, "info" | "warn" | "error">;
  /** The GitOps repository's web URL (`repository.html_url`; GitHub Enterprise differs from github.com). */
  htmlUrl?: string;
}

export type DriftOutcome = { status: "skipped"; reason: string } | { status: "drift"; issue: number; entries: DriftEntry[] } | { status: "clean"; closed?: number };

/**
 * A push to the GitOps branch: the commits by anyone but Paved that changed files Paved owns are
 * drift, kept in one issue in the GitOps repository (updated in place, closed when the drift is gone).
 * Paved's own commits are told by GitHub's record, not by text anyone can write: a push whose sender
 * is the app, or a commit GitHub verified whose author and committer are both the app's bot.
 */
export async function checkDrift(gh: GitHub, target: DriftPushTarget): Promise<DriftOutcome> {
  const { repo, settings } = target;
  const { config } = settings;
  if (target.deleted || target.ref !== `refs/heads/${config.gitops.branch}`) return { status: "skipped", reason: "not the GitOps branch" };
  const bot = `${await target.appSlug()}[bot]`;
  // 1. The open drift issue, if any; Paved's own push with nothing open is the common case and costs this one call.
  const issue = await findDriftIssue(gh, repo, bot);
  const byPaved = target.sender?.login === bot;
  if (byPaved && !issue) return { status: "skipped", reason: "Paved's own push" };
  // 2. Who made each commit, and what it touched.
  const commits = await touchedBy(gh, repo, target, bot, byPaved);
  if (!issue && commits.every((c) => c.paved)) return { status: "skipped", reason: "only Paved's commits" };
  // 3. What Paved owns now, and what each first-touched file was before the push.
  const writer = new GitHubWriter(gh, repo, config.gitops.branch);
  const snapshot = await writer.readTree();
  const indexes = await readIndexes(writer, snapshot, settings);
  const owned = ownedFiles(indexes);
  // A person merging Paved's own pull request (a gated environment, a fleet re-render) deploys Paved's render.
  for (const commit of commits) {
    if (!commit.paved && commit.files.some((f) => owned.has(f.path)) && (await mergesPavedPullRequest(gh, repo, commit.sha, bot))) commit.paved = true;
  }
  if (commits.some((c) => !c.paved && c.files.some((f) => owned.has(f.path)))) await addBefore(gh, repo, target.before, commits);
  // 4. The drift now, into the issue.
  const entries = updateDrift(driftIssueState(issue?.body), commits, owned, snapshot.tree);
  return reportDrift(gh, repo, issue, entries, target.log, webOf(repo, target.htmlUrl));
}

/** `/paved drift revert` on the drift issue: re-commit the rendered files, from a user who may write there. */
export interface DriftRevertTarget {
  repo: Repo;
  appSlug: () => Promise<string>;
  issueNumber: number;
  commenter: string;
  commentId: number;
  settings: Settings;
  log: Pick<Log, "info" | "warn" | "error">;
  /** The GitOps repository's web URL (`repository.html_url`). */
  htmlUrl?: string;
}

export async function revertDrift(gh: GitHub, target: DriftRevertTarget): Promise<DriftOutcome> {
  const { repo, settings } = target;
  const { data: issue } = await gh.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...repo, issue_number: target.issueNumber });
  if (!isDriftIssue(issue, `${await target.appSlug()}[bot]`) || issue.state !== "open") return { status: "skipped", reason: "not an open drift issue" };
  // 1. Only someone who could have pushed the fix by hand may have Paved push it.
  if (!(await canWrite(gh, repo, target.commenter))) {
    await comment(gh, repo, target.issueNumber, `@${target.commenter} \`/paved drift revert\` needs write access to ${fullName(repo)}; nothing was changed.`);
    return { status: "skipped", reason: "commenter cannot write" };
  }
  await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...repo, comment_id: target.commentId, content: "eyes", ...NO_RETRY });
  const entries = driftIssueState(issue.body);
  // Each entry names the index that listed it; the index is read again, so a hand-edited issue can only pick among Paved's sources.
  const indexPaths = new Set(entries.flatMap((e) => (e.index !== undefined && isIndexPath(e.index, settings.config) ? [e.index] : [])));
  const paths = new Set(entries.map((e) => e.path));
  // 2. The drifted sources re-rendered as they are deployed (at their recorded commit, the current config): the drifted files only.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const prepared = await prepareFleet(gh, gh, settings, `${fullName(repo)}#${target.issueNumber}`, indexPaths);
    const changes = prepared.fleet.changes
      .filter((c) => paths.has(c.path))
      .filter((c) => c.action !== "delete" || prepared.snapshot.tree.has(c.path))
      .map((c) => ({ path: c.path, content: c.action === "delete" ? null : c.after! }));
    const left = entries.filter((e) => !prepared.fleet.sources.some((s) => s.kind === "planned" && s.repository.toLowerCase() === e.source.toLowerCase()));
    if (changes.length === 0) return reportDrift(gh, repo, issue, left, target.log, webOf(repo, target.htmlUrl), "Nothing to re-commit: the files already hold what Paved renders.");
    const message = `paved: revert drift (#${target.issueNumber})\n\n${changes.map((c) => c.path).join("\n")}\n`;
    const result = await prepared.writer.commit(changes, message, prepared.snapshot.treeId);
    if (result.kind === "conflict") continue;
    const url = `${webOf(repo, target.htmlUrl)}/commit/${result.sha}`;
    return reportDrift(gh, repo, issue, left, target.log, webOf(repo, target.htmlUrl), `Re-committed the rendered files in ${url}, as requested by @${target.commenter}.`);
  }
  throw new Error("the GitOps branch kept moving: 3 attempts each lost the race to another writer; nothing was written");
}

interface DriftIssue {
  number: number;
  body?: string | null;
  state: string;
  user: { login: string; type?: string } | null;
  pull_request?: unknown;
}

function isDriftIssue(issue: DriftIssue, bot: string): boolean {
  // Only the app's own issue can be ours: a person (or another app) quoting the marker must not steer the revert.
  return !issue.pull_request && issue.user?.login === bot && (issue.body ?? "").includes(DRIFT_MARKER);
}

async function findDriftIssue(gh: GitHub, repo: Repo, bot: string): Promise<DriftIssue | undefined> {
  const open = (await gh.paginate("GET /repos/{owner}/{repo}/issues", { ...repo, state: "open", labels: LABEL, per_page: 100 })) as DriftIssue[];
  return open.filter((i) => isDriftIssue(i, bot)).sort((a, b) => a.number - b.number)[0];
}

/** The repository on its web host. */
function webOf(repo: Repo, htmlUrl: string | undefined): string {
  return `${webRoot(repo, htmlUrl)}/${fullName(repo)}`;
}

async function reportDrift(gh: GitHub, repo: Repo, issue: DriftIssue | undefined, entries: DriftEntry[], log: DriftPushTarget["log"], url: string, note?: string): Promise<DriftOutcome> {
  if (entries.length === 0) {
    if (!issue) return { status: "clean" };
    await comment(gh, repo, issue.number, `${note ? `${note}\n\n` : ""}The drift is gone: every file Paved owns holds what Paved last wrote.`);
    await gh.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...repo, issue_number: issue.number, state: "closed", state_reason: "completed" });
    log.info({ issue: issue.number }, "drift gone");
    return { status: "clean", closed: issue.number };
  }
  const body = driftIssueBody(entries, url);
  if (note && issue) await comment(gh, repo, issue.number, note);
  if (issue) {
    if (issue.body !== body) await gh.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...repo, issue_number: issue.number, body });
    log.info({ issue: issue.number, files: entries.length }, "drift updated");
    return { status: "drift", issue: issue.number, entries };
  }
  const created = await gh.request("POST /repos/{owner}/{repo}/issues", { ...repo, title: DRIFT_TITLE, body, labels: [LABEL], ...NO_RETRY });
  log.info({ issue: created.data.number, files: entries.length }, "drift found");
  return { status: "drift", issue: created.data.number, entries };
}

async function comment(gh: GitHub, repo: Repo, number: number, body: string): Promise<void> {
  await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: number, body, ...NO_RETRY });
}

async function canWrite(gh: GitHub, repo: Repo, user: string): Promise<boolean> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { ...repo, username: user });
    return data.permission === "admin" || data.permission === "write";
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

/** The push's commits as the drift core needs them: who, Paved or not, which files. */
async function touchedBy(gh: GitHub, repo: Repo, push: DriftPushTarget, bot: string, byPaved: boolean): Promise<CommitTouch[]> {
  const complete = !ZERO_SHA.test(push.before) && push.commits.length > 0 && push.commits.length < PAYLOAD_COMMIT_LIMIT;
  if (!complete) {
    // The payload's lists may be incomplete: the push as one change, attributed to whoever moved the branch.
    const { data } = await gh.request("GET /repos/{owner}/{repo}/compare/{basehead}", { ...repo, basehead: `${push.before}...${push.after}` });
    const files = (data.files ?? []).map((f) => ({ path: f.filename }));
    return [{ sha: push.after, author: push.sender?.login ?? "someone", paved: byPaved, files }];
  }
  const touches: CommitTouch[] = [];
  for (const commit of push.commits) {
    const files = [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].map((path) => ({ path }));
    const paved = byPaved || (claimsToBe(commit, bot) && (await verifiedAs(gh, repo, commit.id, bot)));
    touches.push({ sha: commit.id, author: commit.author?.username || commit.author?.name || "someone", paved, files });
  }
  return touches;
}

/** Whether a commit claims the app's identity (anyone can claim it: `verifiedAs` checks). */
function claimsToBe(commit: PushedCommit, bot: string): boolean {
  return [commit.author, commit.committer].every((p) => p?.username === bot || (p?.email ?? "").endsWith(`+${bot}@users.noreply.github.com`));
}

/** GitHub signed it, and both its author and committer are the app's bot: Paved made it through the API. */
async function verifiedAs(gh: GitHub, repo: Repo, sha: string, bot: string): Promise<boolean> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...repo, commit_sha: sha });
  const email = new RegExp(`^\\d+\\+${bot.replace(/[[\]]/g, "\\$&")}@users\\.noreply\\.github\\.com$`);
  return data.verification?.verified === true && email.test(data.author.email) && email.test(data.committer.email);
}

/**
 * Whether `sha` is the merge (or squash) of a pull request Paved opened from one of its `paved/…`
 * branches, with Paved's own commit still at its head: nobody added to what it proposed.
 */
async function mergesPavedPullRequest(gh: GitHub, repo: Repo, sha: string, bot: string): Promise<boolean> {
  const { data: pulls } = await gh.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: sha, per_page: 100 });
  const merged = pulls.find((pr) => pr.merge_commit_sha === sha && pr.merged_at !== null && pr.user?.login === bot && pr.head.ref.startsWith("paved/"));
  return merged !== undefined && (await verifiedAs(gh, repo, merged.head.sha, bot));
}

/** What each file was before the push (the `before` tree, one call), for its first touch in the push. */
async function addBefore(gh: GitHub, repo: Repo, before: string, commits: CommitTouch[]): Promise<void> {
  if (ZERO_SHA.test(before)) return;
  const { data } = await gh.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { ...repo, tree_sha: before, recursive: "1" });
  if (data.truncated) return;
  const tree: Tree = new Map(data.tree.flatMap((e) => (e.type === "blob" && e.path && e.sha ? [[e.path, e.sha] as [string, string]] : [])));
  const seen = new Set<string>();
  for (const commit of commits) {
    for (const file of commit.files) {
      if (!seen.has(file.path)) file.before = tree.get(file.path) ?? null;
      seen.add(file.path);
    }
  }
}

async function readIndexes(writer: GitHubWriter, snapshot: Awaited<ReturnType<GitHubWriter["readTree"]>>, settings: Settings): Promise<Array<{ path: string; index: OwnershipIndex }>> {
  const paths = [...snapshot.tree.keys()].filter((p) => isIndexPath(p, settings.config));
  const blobs = await writer.readBlobs(paths, snapshot);
  const indexes: Array<{ path: string; index: OwnershipIndex }> = [];
  for (const [path, content] of blobs) {
    try {
      indexes.push({ path, index: parseIndex(content) });
    } catch {
      // A broken index owns nothing here; the next plan of that source says so.
    }
  }
  return indexes;
}
