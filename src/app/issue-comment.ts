import type { Context } from "probot";
import { NO_RETRY } from "../github/client.js";
import { runDeployCommand, type DeployCommand } from "../github/deploy-command.js";
import { planPullRequest } from "../github/pull-request-plan.js";

const PLAN_COMMAND = /^\/paved\s+plan\s*$/m;
const DEPLOY_COMMAND = /^\/paved\s+(promote|rollback|hold|release)\s+([a-z0-9][a-z0-9-]*)(?:\s+([0-9a-f]{7,40}))?\s*$/m;

/** `/paved promote production`, `/paved rollback staging 1a2b3c4`: the first such line of a comment. */
export function parseDeployCommand(body: string): DeployCommand | null {
  const match = DEPLOY_COMMAND.exec(body);
  if (!match) return null;
  const [, verb, environment, commit] = match as unknown as [string, DeployCommand["verb"], string, string | undefined];
  if (commit !== undefined && verb !== "rollback") return null;
  return { verb, environment, ...(commit !== undefined ? { commit } : {}) };
}

/** `/paved plan` in a pull request comment recomputes the plan and acknowledges with a reaction. */
export async function onIssueComment(context: Context<"issue_comment.created">): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (!issue.pull_request || comment.user?.type === "Bot") return;
  const deployCommand = parseDeployCommand(comment.body);
  if (deployCommand) return onDeployCommand(context, deployCommand);
  if (!PLAN_COMMAND.test(comment.body)) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const gh = context.octokit;
  await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    ...repo,
    comment_id: comment.id,
    content: "eyes",
    ...NO_RETRY,
  });
  const { data: pr } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    ...repo,
    pull_number: issue.number,
  });
  if (pr.state !== "open") return;
  await planPullRequest(gh, {
    repo,
    repositoryId: repository.id,
    number: pr.number,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    deliveryId: context.id,
    log: context.log,
    rerun: true,
  });
}

/** A deployment command on a merged pull request: applied by the flow, answered with a reply comment. */
async function onDeployCommand(context: Context<"issue_comment.created">, command: DeployCommand): Promise<void> {
  const { comment, issue, repository } = context.payload;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const gh = context.octokit;
  await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...repo, comment_id: comment.id, content: "eyes", ...NO_RETRY });
  const { data: pr } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: issue.number });
  const result = pr.merged_at
    ? await runDeployCommand(gh, { repo, repositoryId: repository.id, defaultBranch: repository.default_branch, actor: comment.user!.login, log: context.log }, command)
    : { reply: `\`/paved ${command.verb}\` works on a merged pull request; this one is not merged.` };
  await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: issue.number,
    body: `> /paved ${command.verb} ${command.environment}${command.commit ? ` ${command.commit}` : ""}\n\n${result.reply}\n`,
    ...NO_RETRY,
  });
}
