import type { Context } from "probot";
import { applyPush } from "../github/push-apply.js";

export async function onPush(context: Context<"push">): Promise<void> {
  const { payload } = context;
  await applyPush(context.octokit, {
    repo: { owner: payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!, repo: payload.repository.name },
    repositoryId: payload.repository.id,
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    deleted: payload.deleted,
    defaultBranch: payload.repository.default_branch,
    commits: payload.commits,
    deliveryId: context.id,
    log: context.log,
    htmlUrl: payload.repository.html_url,
  });
}
