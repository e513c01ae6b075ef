import type { Context } from "probot";
import { NO_RETRY } from "../github/client.js";
import { planPullRequest } from "../github/pull-request-plan.js";

const PLAN_COMMAND = /^\/paved\s+plan\s*$/m;

/** `/paved plan` in a pull request comment recomputes the plan and acknowledges with a reaction. */
export async function onIssueComment(context: Context<"issue_comment.created">): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (!issue.pull_request || comment.user?.type === "Bot" || !PLAN_COMMAND.test(comment.body)) return;
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
