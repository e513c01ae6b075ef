import type { Context } from "probot";
import { previewPullRequest, type PreviewTrigger } from "../flows/previews.js";
import { hasWriteAccess } from "../github/write-access.js";
import { readOrgSettings, type OrgSettings } from "../github/org-settings.js";
import { NO_RETRY } from "../github/client.js";
import { appAuthor } from "./author.js";
import { previewOfNamedCommit } from "../previews/named-commit.js";
import { codeSpan } from "../report/escape.js";

type PullRequestPayload = Context<"pull_request">["payload"];

/** The preview side of a pull request event: which trigger it is, if any (the label names come from the org config). */
export async function onPullRequestPreview(context: Context<"pull_request">, loaded?: OrgSettings): Promise<void> {
  const { payload } = context;
  const gh = context.octokit;
  const settings = loaded ?? (await readOrgSettings(gh, payload.repository.owner.login));
  if (!settings.ok || !settings.config.previews) return;
  const { label, keepLabel } = settings.config.previews;
  const pr = payload.pull_request;
  const labels = (pr.labels ?? []).map((l) => l.name);
  const changed = "label" in payload && payload.label ? payload.label.name : undefined;
  let trigger: PreviewTrigger | undefined;
  if (payload.action === "closed") trigger = { kind: "remove", cause: "close", reason: pr.merged ? "the pull request was merged" : "the pull request was closed" };
  else if (payload.action === "unlabeled" && changed === label) trigger = { kind: "remove", cause: "label", reason: `the \`${label}\` label was removed` };
  else if ((payload.action === "labeled" || payload.action === "unlabeled") && changed === keepLabel) trigger = { kind: "keep" };
  else if (payload.action === "labeled" && changed === label) trigger = { kind: "request", asked: "label" };
  else if ((payload.action === "opened" || payload.action === "reopened") && labels.includes(label)) trigger = { kind: "request", asked: "label" };
  else if (payload.action === "synchronize") trigger = { kind: "push" };
  if (!trigger) return;
  await previewPullRequest(gh, { ...targetOf(payload, context), trigger, settings, author: await appAuthor(context) });
}

function targetOf(payload: PullRequestPayload, context: Context<"pull_request">) {
  const pr = payload.pull_request;
  return {
    repo: { owner: payload.repository.owner.login, repo: payload.repository.name },
    repositoryId: payload.repository.id,
    number: pr.number,
    headSha: pr.head.sha,
    fork: pr.head.repo?.id !== payload.repository.id,
    labels: (pr.labels ?? []).map((l) => l.name),
    now: new Date(),
    log: context.log,
    htmlUrl: payload.repository.html_url,
  };
}

/** A `/paved preview` comment, parsed (issue-comment.ts): the commit it names, or why its argument names none. */
export interface PreviewCommand {
  /** The command as Paved quotes it in its answer. */
  line: string;
  /** 7 to 40 lowercase hex characters of the sha the writer reviewed. */
  commit?: string;
  /** Why the argument names no commit: answered, and nothing is previewed. */
  problem?: string;
}

/**
 * `/paved preview [<sha>]` from someone with write access: a preview of the pull request's head,
 * which on a fork must be the commit the writer names (pinned to it); anything else is answered.
 */
export async function onPreviewCommand(context: Context<"issue_comment.created">, command: PreviewCommand): Promise<void> {
  const { comment, issue, repository } = context.payload;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const gh = context.octokit;
  if (!comment.user || !(await hasWriteAccess(gh, repo, comment.user.login))) {
    await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...repo, comment_id: comment.id, content: "-1", ...NO_RETRY });
    return;
  }
  await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...repo, comment_id: comment.id, content: "eyes", ...NO_RETRY });
  const answer = (text: string) => gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: issue.number, body: `> ${codeSpan(command.line)}\n\n${text}\n`, ...NO_RETRY });
  if (command.problem) {
    await answer(`No preview: ${command.problem}`);
    return;
  }
  const { data: pr } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: issue.number });
  if (pr.state !== "open") {
    await answer(`No preview: this pull request is ${pr.merged_at ? "merged" : "closed"}.`);
    return;
  }
  const fork = pr.head.repo?.id !== repository.id;
  const decision = previewOfNamedCommit(command.commit, pr.head.sha, fork);
  if (!decision.preview) {
    await answer(decision.reply);
    return;
  }
  await previewPullRequest(gh, {
    repo,
    repositoryId: repository.id,
    number: pr.number,
    headSha: pr.head.sha,
    fork,
    labels: pr.labels.map((l) => l.name),
    trigger: { kind: "request", asked: "command", ...(decision.pinned ? { pinned: decision.pinned } : {}) },
    now: new Date(),
    log: context.log,
    htmlUrl: repository.html_url,
    author: await appAuthor(context),
  });
}
