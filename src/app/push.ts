import type { Context } from "probot";
import { applyAttempts, quickCheckMs } from "../core/shell-env.js";
import { sameRepository } from "../core/provenance.js";
import { checkDrift } from "../flows/drift.js";
import { rerenderFleet } from "../flows/fleet-rerender.js";
import { isOrgSettingsRepo } from "../github/org-settings-change.js";
import { readOrgSettings } from "../github/org-settings.js";
import { withPushFacts } from "../github/event-facts.js";
import { replanPullRequestsInto } from "../flows/pull-request-plan.js";
import { applyPush } from "../flows/push-apply.js";
import { pushesDefaultBranch } from "../github/push-trigger.js";
import { appSlug } from "./app-identity.js";
import { appAuthor } from "./author.js";
import { jobScope } from "./job-scope.js";
import { offThread } from "./plan-pool.js";

export async function onPush(context: Context<"push">): Promise<void> {
  const { payload } = context;
  const repo = { owner: payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!, repo: payload.repository.name };
  const facts = {
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    deleted: payload.deleted,
    forced: payload.forced,
    defaultBranch: payload.repository.default_branch,
    commits: payload.commits,
    deliveryId: context.id,
    quickCheckMs: quickCheckMs(process.env),
    log: context.log,
    htmlUrl: payload.repository.html_url,
    retry: { attempts: applyAttempts(process.env) },
  };
  // Only the default branch deploys (or drifts): nothing to read for any other.
  if (!pushesDefaultBranch(facts)) return;
  // The org's `.github` repository holds the platform team's settings: a change there re-renders the fleet.
  if (isOrgSettingsRepo(repo)) await rerenderFleet(context.octokit, { ...facts, org: repo.owner, public: !payload.repository.private });
  // The org config, the manifest, the merged pull request and the check in one GraphQL read.
  const gh = await withPushFacts(context.octokit, { repo, after: payload.after, log: context.log });
  const settings = await readOrgSettings(gh, repo.owner);
  // A push to the GitOps repository by anyone but Paved may be drift.
  if (settings.ok && settings.config.gitops.repository && sameRepository(settings.config.gitops.repository, payload.repository.full_name)) {
    await checkDrift(context.octokit, { ...facts, repo, settings, sender: payload.sender ?? null, appSlug, htmlUrl: payload.repository.html_url });
    return;
  }
  const author = await appAuthor(context);
  const result = await applyPush(gh, {
    ...facts,
    repo,
    repositoryId: payload.repository.id,
    settings,
    computeDesired: offThread(jobScope(context.id)?.signal),
    author,
  });
  // The manifest on the default branch changed: every open pull request into it now merges into something else.
  if (result.status !== "skipped" || result.reason === "no GitOps repository configured") {
    await replanPullRequestsInto(context.octokit, payload.repository.default_branch, {
      repo,
      repositoryId: payload.repository.id,
      defaultBranch: payload.repository.default_branch,
      deliveryId: context.id,
      quickCheckMs: quickCheckMs(process.env),
      log: context.log,
      htmlUrl: payload.repository.html_url,
      author,
    });
  }
}
