import type { Context } from "probot";
import { checkConfigPullRequest } from "../flows/config-pull-request.js";

/** A pull request in the org's `.github` repository: check the proposed org config (its own check run); called by onPullRequest. */
export async function onConfigPullRequest(context: Context<"pull_request">): Promise<void> {
  const { payload } = context;
  const pr = payload.pull_request;
  await checkConfigPullRequest(context.octokit, {
    repo: { owner: payload.repository.owner.login, repo: payload.repository.name },
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    deliveryId: context.id,
  });
}
