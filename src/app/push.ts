import type { Context } from "probot";
import { replanPullRequestsInto } from "../github/pull-request-plan.js";
import { applyPush } from "../github/push-apply.js";
import { jobScope } from "./job-scope.js";
import { offThread } from "./plan-pool.js";
import { appAuthor } from "./author.js";

export async function onPush(context: Context<"push">): Promise<void> {
  const { payload } = context;
  const repo = { owner: payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!, repo: payload.repository.name };
  const author = await appAuthor(context);
  const result = await applyPush(context.octokit, {
    repo,
    repositoryId: payload.repository.id,
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    deleted: payload.deleted,
    defaultBranch: payload.repository.default_branch,
    commits: payload.commits,
    deliveryId: context.id,
    computeDesired: offThread(jobScope(context.id)?.signal),
    log: context.log,
    htmlUrl: payload.repository.html_url,
    author,
  });
  // The manifest on the default branch changed: every open pull request into it now merges into something else.
  if (result.status !== "skipped" || result.reason === "no GitOps repository configured") {
    await replanPullRequestsInto(context.octokit, payload.repository.default_branch, {
      repo,
      repositoryId: payload.repository.id,
      defaultBranch: payload.repository.default_branch,
      deliveryId: context.id,
      log: context.log,
      htmlUrl: payload.repository.html_url,
      author,
    });
  }
}
