import type { Context } from "probot";
import { checkDrift } from "../github/drift.js";
import { rerenderFleet } from "../github/fleet-rerender.js";
import { isOrgSettingsRepo } from "../github/org-settings-change.js";
import { readOrgSettings } from "../github/org-settings.js";
import { applyPush } from "../github/push-apply.js";
import { pushesDefaultBranch } from "../github/push-trigger.js";
import { sameRepository } from "../core/provenance.js";
import { appSlug } from "./app-identity.js";

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
  // Only the default branch deploys (or drifts): nothing to read for any other.
  if (!pushesDefaultBranch(facts)) return;
  // The org's `.github` repository holds the platform team's settings: a change there re-renders the fleet.
  if (isOrgSettingsRepo(repo)) await rerenderFleet(context.octokit, { ...facts, org: repo.owner, public: !payload.repository.private });
  const settings = await readOrgSettings(context.octokit, repo.owner);
  // A push to the GitOps repository by anyone but Paved may be drift.
  if (settings.ok && settings.config.gitops.repository && sameRepository(settings.config.gitops.repository, payload.repository.full_name)) {
    await checkDrift(context.octokit, { ...facts, repo, settings, sender: payload.sender ?? null, appSlug });
    return;
  }
  await applyPush(context.octokit, { ...facts, repo, repositoryId: payload.repository.id, settings });
}
