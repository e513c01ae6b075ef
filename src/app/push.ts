import type { Context } from "probot";
import { rerenderFleet } from "../github/fleet-rerender.js";
import { isOrgSettingsRepo } from "../github/org-settings-change.js";
import { applyPush } from "../github/push-apply.js";

export async function onPush(context: Context<"push">): Promise<void> {
  const { payload } = context;
  const repo = { owner: payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!, repo: payload.repository.name };
  const facts = {
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    deleted: payload.deleted,
    defaultBranch: payload.repository.default_branch,
    commits: payload.commits,
    deliveryId: context.id,
    log: context.log,
    htmlUrl: payload.repository.html_url,
  };
  // The org's `.github` repository holds the platform team's settings: a change there re-renders the fleet.
  if (isOrgSettingsRepo(repo)) await rerenderFleet(context.octokit, { ...facts, org: repo.owner });
  await applyPush(context.octokit, { ...facts, repo });
}
