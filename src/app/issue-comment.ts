import type { Context } from "probot";
import { NO_RETRY } from "../github/client.js";
import { runDeployCommand, type DeployCommand } from "../flows/deploy-command.js";
import { headOf } from "../github/find-pull-request.js";
import { planPullRequest } from "../flows/pull-request-plan.js";
import { planShell } from "./plan-shell.js";
import { onPreviewCommand, type PreviewCommand } from "./preview.js";
import { hasWriteAccess } from "../github/write-access.js";
import { codeSpan } from "../report/escape.js";
import { commandLines } from "../core/command-lines.js";

// One command per line: its words never run on into the next line.
const PLAN_COMMAND = /^\/paved[ \t]+plan[ \t]*$/m;
const DEPLOY_COMMAND = /^\/paved[ \t]+(promote|rollback|hold|release)[ \t]+([a-z0-9][a-z0-9-]*)(?:[ \t]+([0-9a-f]{7,40}))?[ \t]*$/m;

/** `/paved promote production`, `/paved rollback staging 1a2b3c4`: the first such line of a comment. */
export function parseDeployCommand(body: string): DeployCommand | null {
  const match = DEPLOY_COMMAND.exec(commandLines(body));
  if (!match) return null;
  const [, verb, environment, commit] = match as unknown as [string, DeployCommand["verb"], string, string | undefined];
  if (commit !== undefined && verb !== "rollback") return null;
  return { verb, environment, ...(commit !== undefined ? { commit } : {}) };
}

// One command per line; whatever follows `preview` is its argument, so a wrong one is answered rather than ignored.
const PREVIEW_LINE = /^\/paved[ \t]+preview(?:[ \t]+([^\r\n]*?))?[ \t]*$/gm;
const COMMIT_SHA = /^[0-9a-f]{7,40}$/;

/** `/paved preview`, or `/paved preview 1a2b3c4` naming the commit; an argument that is not one commit sha is a `problem`. */
export function parsePreviewCommand(body: string): PreviewCommand | null {
  const lines = [...commandLines(body).matchAll(PREVIEW_LINE)];
  if (lines.length === 0) return null;
  const words = (line: RegExpExecArray | RegExpMatchArray) => (line[1] ?? "").split(/[ \t]+/).filter(Boolean);
  const first = words(lines[0]!);
  const line = ["/paved preview", ...first].join(" ");
  if (lines.some((l) => words(l).join(" ") !== first.join(" "))) {
    return { line, problem: "this comment has more than one `/paved preview` line, and they differ: post one." };
  }
  if (first.length === 0) return { line };
  if (first.length > 1) return { line, problem: `\`/paved preview\` takes one commit sha, not ${first.length} words.` };
  const word = first[0]!;
  if (COMMIT_SHA.test(word)) return { line, commit: word };
  if (!/^[0-9a-f]+$/i.test(word)) return { line, problem: `${codeSpan(word)} is not a commit sha: name the commit by 7 to 40 hex characters of its sha, as the pull request's commits show it.` };
  if (word.length < 7) return { line, problem: `${codeSpan(word)} is too short to name a commit: give at least 7 characters of its sha.` };
  if (word.length > 40) return { line, problem: `${codeSpan(word)} is longer than a commit sha (40 characters).` };
  return { line, problem: `${codeSpan(word)} has uppercase letters: write the sha in lowercase, as GitHub shows it.` };
}

/** Pull requests with a `/paved plan` recompute running in this process: a second request meanwhile is dropped, not queued. */
const recomputing = new Set<string>();

/**
 * `/paved plan` in a pull request comment recomputes the plan and acknowledges with a reaction. Only
 * from people who can write to the repository (asked of GitHub: an organisation member's association
 * says nothing about their access), and one recompute per pull request at a time.
 */
export async function onIssueComment(context: Context<"issue_comment.created">): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (!issue.pull_request || comment.user?.type === "Bot") return;
  const previewCommand = parsePreviewCommand(comment.body);
  if (previewCommand) return onPreviewCommand(context, previewCommand);
  const deployCommand = parseDeployCommand(comment.body);
  if (deployCommand) return onDeployCommand(context, deployCommand);
  if (!PLAN_COMMAND.test(commandLines(comment.body))) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const gh = context.octokit;
  if (!comment.user || !(await hasWriteAccess(gh, repo, comment.user.login))) {
    context.log.info({ user: comment.user?.login, pullRequest: issue.number }, "ignored /paved plan from someone without write access");
    return;
  }
  const key = `${repo.owner}/${repo.repo}#${issue.number}`.toLowerCase();
  if (recomputing.has(key)) {
    context.log.info({ pullRequest: issue.number }, "ignored /paved plan: a recompute of this pull request is running");
    return;
  }
  recomputing.add(key);
  try {
    await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      ...repo,
      comment_id: comment.id,
      content: "eyes",
      ...NO_RETRY,
    });
    const { data: pr } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: issue.number });
    if (pr.state !== "open") return;
    await planPullRequest(gh, {
      ...(await planShell(context, repository)),
      repo,
      number: pr.number,
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      head: headOf(pr, repo),
      baseRef: pr.base.ref,
      rerun: true,
    });
  } finally {
    recomputing.delete(key);
  }
}

/** A deployment command on a merged pull request: applied by the flow, answered with a reply comment. */
async function onDeployCommand(context: Context<"issue_comment.created">, command: DeployCommand): Promise<void> {
  const { comment, issue, repository } = context.payload;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const gh = context.octokit;
  await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...repo, comment_id: comment.id, content: "eyes", ...NO_RETRY });
  const { data: pr } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: issue.number });
  const result = pr.merged_at
    ? await runDeployCommand(gh, { repo, repositoryId: repository.id, defaultBranch: repository.default_branch, actor: comment.user!.login, log: context.log, htmlUrl: repository.html_url }, command)
    : { reply: `\`/paved ${command.verb}\` works on a merged pull request; this one is not merged.` };
  await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: issue.number,
    body: `> /paved ${command.verb} ${command.environment}${command.commit ? ` ${command.commit}` : ""}\n\n${result.reply}\n`,
    ...NO_RETRY,
  });
}
