import type { Context } from "probot";
import { CHECK_NAME } from "../github/check-run.js";
import { findPullRequestForHead } from "../github/find-pull-request.js";
import { planPullRequest } from "../github/pull-request-plan.js";

/** "Re-run" on the Paved check. `check_run.pull_requests` is empty for forks, so the PR is looked up by head sha. */
export async function onCheckRunRerequested(context: Context<"check_run.rerequested">): Promise<void> {
  const { check_run: check, repository } = context.payload;
  if (check.name !== CHECK_NAME) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const pr = await findPullRequestForHead(context.octokit, repo, check.head_sha);
  if (!pr) {
    context.log.info({ headSha: check.head_sha }, "re-run requested for a commit with no open pull request");
    return;
  }
  await planPullRequest(context.octokit, {
    repo,
    number: pr.number,
    headSha: pr.headSha,
    baseSha: pr.baseSha,
    deliveryId: context.id,
    log: context.log,
  });
}
