import type { Context } from "probot";
import { quickCheckMs } from "../core/shell-env.js";
import { planMergeGroup } from "../flows/merge-group.js";
import { appAuthor } from "./author.js";

/** `merge_group.checks_requested`: the `Paved` check on the group's head commit; never an apply. */
export async function onMergeGroup(context: Context<"merge_group.checks_requested">): Promise<void> {
  const { merge_group: group, repository } = context.payload;
  if (!repository) return;
  await planMergeGroup(context.octokit, {
    repo: { owner: repository.owner.login, repo: repository.name },
    repositoryId: repository.id,
    headRef: group.head_ref,
    headSha: group.head_sha,
    baseSha: group.base_sha,
    baseRef: group.base_ref,
    defaultBranch: repository.default_branch,
    deliveryId: context.id,
    quickCheckMs: quickCheckMs(process.env),
    log: context.log,
    author: await appAuthor(context),
    htmlUrl: repository.html_url,
  });
}
