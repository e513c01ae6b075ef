import { NO_RETRY, type GitHub, type Repo } from "./client.js";
import { keyedLock } from "./keyed-lock.js";

interface IssueComment {
  id: number;
  body?: string;
  user: { login?: string; type?: string } | null;
  performed_via_github_app?: { id?: number } | null;
  html_url: string;
}

/**
 * Who Paved writes comments as: the app (its id, as GitHub records on every comment an app makes), or
 * a login such as `github-actions[bot]` for the Action's workflow token.
 */
export type CommentAuthor = { appId: number } | { login: string };

/** The workflow token writes as this bot. */
export const ACTIONS_BOT = "github-actions[bot]";

/** Only a comment Paved itself wrote: anyone else's comment carrying the marker is never edited or deleted. */
function writtenBy(c: IssueComment, author: CommentAuthor): boolean {
  if (c.user?.type !== "Bot") return false;
  return "appId" in author ? c.performed_via_github_app?.id === author.appId : c.user.login === author.login;
}

// One process never races itself on the same pull request.
const serialised = keyedLock();

async function ownComments(gh: GitHub, repo: Repo, issueNumber: number, marker: string, author: CommentAuthor): Promise<IssueComment[]> {
  const all = (await gh.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })) as IssueComment[];
  // Only our comment: a person (or another bot) quoting the marker must not capture the plan.
  return all.filter((c) => writtenBy(c, author) && (c.body ?? "").includes(marker)).sort((a, b) => a.id - b.id);
}

export interface StickyResult {
  /** 0 and "" when skipped. */
  id: number;
  url: string;
  /** skipped: `current` said the body is outdated (the pull request moved on), so nothing was written. */
  action: "created" | "updated" | "unchanged" | "skipped";
}

export interface StickyOptions {
  /** Who Paved writes as; only that author's comments are ever edited or deleted. */
  author: CommentAuthor;
  /**
   * Asked inside the per-issue lock, right before writing: false means this body is outdated (a late or
   * redelivered event for an older head commit) and must not replace a newer one.
   */
  current?: () => Promise<boolean>;
}

/**
 * Creates or edits the one comment carrying `marker`. Replicas racing on the first comment may both
 * create one; whoever sees two afterwards keeps the oldest and deletes the rest, so it converges to one.
 */
export function upsertStickyComment(
  gh: GitHub,
  repo: Repo,
  issueNumber: number,
  marker: string,
  body: string,
  options: StickyOptions,
): Promise<StickyResult> {
  return serialised(`${repo.owner}/${repo.repo}#${issueNumber}`, async () => {
    if (options.current && !(await options.current())) return { id: 0, url: "", action: "skipped" };
    const existing = await ownComments(gh, repo, issueNumber, marker, options.author);
    const keep = existing[0];
    if (keep) {
      await deleteExtra(gh, repo, existing.slice(1));
      if (keep.body === body) return { id: keep.id, url: keep.html_url, action: "unchanged" };
      await gh.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: keep.id, body });
      return { id: keep.id, url: keep.html_url, action: "updated" };
    }
    const created = await gh
      .request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        ...repo,
        issue_number: issueNumber,
        body,
        ...NO_RETRY,
      })
      .catch(async (error: unknown) => {
        if (!answerLost(error)) throw error;
        // The answer was lost, not necessarily the write: wait for it to land, so the next writer edits it
        // instead of adding a second comment.
        const landed = await awaitLateComment(gh, repo, issueNumber, marker, options.author);
        if (!landed) throw error;
        return { data: landed };
      });
    const after = await ownComments(gh, repo, issueNumber, marker, options.author);
    const oldest = after[0];
    if (oldest && oldest.id !== Number(created.data.id)) {
      await deleteExtra(gh, repo, after.filter((c) => c.id !== oldest.id));
      await gh.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: oldest.id, body });
      return { id: oldest.id, url: oldest.html_url, action: "updated" };
    }
    return { id: Number(created.data.id), url: created.data.html_url, action: "created" };
  });
}

/** How long a comment whose create timed out may take to appear (GitHub applies writes it could not answer). */
const LATE_WRITE_POLLS = [500, 1_000, 2_000];

function answerLost(error: unknown): boolean {
  const e = error as { name?: string; cause?: { name?: string } } | null;
  return e?.name === "TimeoutError" || e?.cause?.name === "TimeoutError";
}

async function awaitLateComment(gh: GitHub, repo: Repo, issueNumber: number, marker: string, author: CommentAuthor): Promise<IssueComment | undefined> {
  for (const ms of LATE_WRITE_POLLS) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const found = (await ownComments(gh, repo, issueNumber, marker, author))[0];
    if (found) return found;
  }
  return undefined;
}

async function deleteExtra(gh: GitHub, repo: Repo, comments: IssueComment[]): Promise<void> {
  for (const c of comments) {
    await gh
      .request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: c.id })
      .catch((error: unknown) => {
        // Another replica deleted it first.
        if ((error as { status?: number }).status !== 404) throw error;
      });
  }
}

/**
 * Rewrites part of the existing comment carrying `marker` (`edit` gets its body), under the same
 * per-issue lock as `upsertStickyComment`. Creates nothing: no comment, nothing to edit.
 */
export function editStickyComment(
  gh: GitHub,
  repo: Repo,
  issueNumber: number,
  marker: string,
  edit: (body: string) => string,
  author: CommentAuthor,
): Promise<StickyResult> {
  return serialised(`${repo.owner}/${repo.repo}#${issueNumber}`, async () => {
    const keep = (await ownComments(gh, repo, issueNumber, marker, author))[0];
    if (!keep) return { id: 0, url: "", action: "skipped" };
    const body = edit(keep.body ?? "");
    if (body === keep.body) return { id: keep.id, url: keep.html_url, action: "unchanged" };
    await gh.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: keep.id, body });
    return { id: keep.id, url: keep.html_url, action: "updated" };
  });
}
