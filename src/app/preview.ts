import type { Context } from "probot";
import { previewPullRequest, type PreviewTrigger } from "../flows/previews.js";
import { hasWriteAccess } from "../github/write-access.js";
import { readOrgSettings, type OrgSettings } from "../github/org-settings.js";
import { NO_RETRY } from "../github/client.js";
import { appAuthor } from "./author.js";

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
  if (payload.action === "closed") trigger = { kind: "remove", reason: pr.merged ? "the pull request was merged" : "the pull request was closed" };
  else if (payload.action === "unlabeled" && changed === label) trigger = { kind: "remove", reason: `the \`${label}\` label was removed` };
  else if ((payload.action === "labeled" || payload.action === "unlabeled") && changed === keepLabel) trigger = { kind: "keep", keep: payload.action === "labeled" };
  else if (payload.action === "labeled" && changed === label) trigger = { kind: "request" };
  else if ((payload.action === "opened" || payload.action === "reopened") && labels.includes(label)) trigger = { kind: "request" };
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

export const PREVIEW_COMMAND = /^\/paved\s+preview\s*$/m;

/** `/paved preview` from someone with write access: a preview of the head they saw (pinned, for a fork). */
export async function onPreviewCommand(context: Context<"issue_comment.created">): Promise<void> {
  const { comment, issue, repository } = context.payload;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const gh = context.octokit;
  if (!comment.user || !(await hasWriteAccess(gh, repo, comment.user.login))) {
    await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...repo, comment_id: comment.id, content: "-1", ...NO_RETRY });
    return;
  }
  await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...repo, comment_id: comment.id, content: "eyes", ...NO_RETRY });
  const { data: pr } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: issue.number });
  if (pr.state !== "open") return;
  await previewPullRequest(gh, {
    repo,
    repositoryId: repository.id,
    number: pr.number,
    headSha: pr.head.sha,
    fork: pr.head.repo?.id !== repository.id,
    labels: pr.labels.map((l) => l.name),
    // The head the writer saw: a push after the comment is not what they approved.
    trigger: { kind: "request", pinned: pr.head.sha },
    now: new Date(),
    log: context.log,
    htmlUrl: repository.html_url,
    author: await appAuthor(context),
  });
}
