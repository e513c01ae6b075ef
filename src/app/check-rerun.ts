import type { Context } from "probot";
import { applyAttempts, quickCheckMs } from "../core/shell-env.js";
import { CHECK_NAME } from "../github/paved-check.js";
import { findPullRequestForHead } from "../github/find-pull-request.js";
import { previewFleet, rerenderFleet } from "../flows/fleet-rerender.js";
import { isOrgSettingsRepo } from "../github/org-settings-change.js";
import { planPullRequest } from "../flows/pull-request-plan.js";
import { applyPush } from "../flows/push-apply.js";
import { jobScope } from "./job-scope.js";
import { offThread } from "./plan-pool.js";
import { appAuthor } from "./author.js";
import { planShell } from "./plan-shell.js";

const NO_COMMIT = "0".repeat(40);

/**
 * "Re-run" on the Paved check. `check_run.pull_requests` is empty for forks, so the PR is looked up by
 * head sha. A check on the default branch's head with no open PR is an apply (say one that failed on a
 * GitHub outage): it is applied again. An older commit of that branch is never re-applied — that
 * would roll the GitOps repository back to it.
 */
export async function onCheckRunRerequested(context: Context<"check_run.rerequested">): Promise<void> {
  const { check_run: check, repository } = context.payload;
  if (check.name !== CHECK_NAME) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const pr = await findPullRequestForHead(context.octokit, repo, check.head_sha);
  // On the org's `.github` repository the check is the fleet re-render (or its preview).
  if (isOrgSettingsRepo(repo)) {
    const target = { org: repo.owner, deliveryId: context.id, log: context.log, htmlUrl: repository.html_url, quickCheckMs: quickCheckMs(process.env), rerun: true, public: !repository.private, author: await appAuthor(context), retry: { attempts: applyAttempts(process.env) } };
    if (pr) {
      await previewFleet(context.octokit, { ...target, number: pr.number, headSha: pr.headSha, baseSha: pr.baseSha });
      return;
    }
    // Only the settings the default branch holds now re-render the fleet: an older commit's would roll it back.
    const branch = repository.default_branch;
    const { data: head } = await context.octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${branch}` });
    if (head.object.sha !== check.head_sha) return;
    await rerenderFleet(context.octokit, { ...target, ref: `refs/heads/${branch}`, before: NO_COMMIT, after: check.head_sha, deleted: false, defaultBranch: branch, commits: [] });
    return;
  }
  if (pr) {
    await planPullRequest(context.octokit, {
      ...(await planShell(context, repository)),
      repo,
      number: pr.number,
      headSha: pr.headSha,
      baseSha: pr.baseSha,
      head: pr.head,
      baseRef: pr.baseRef,
      rerun: true,
    });
    return;
  }
  const branch = repository.default_branch;
  const { data: head } = await context.octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${branch}` });
  if (head.object.sha !== check.head_sha) {
    context.log.info({ headSha: check.head_sha, branch }, "re-run requested for a commit that is neither an open pull request's head nor the default branch's head");
    return;
  }
  await applyPush(context.octokit, {
    repo,
    repositoryId: repository.id,
    ref: `refs/heads/${branch}`,
    // Unknown: the manifest is compared with nothing, so it counts as changed when it exists.
    before: NO_COMMIT,
    after: check.head_sha,
    deleted: false,
    defaultBranch: branch,
    commits: [],
    deliveryId: context.id,
    quickCheckMs: quickCheckMs(process.env),
    computeDesired: offThread(jobScope(context.id)?.signal),
    log: context.log,
    htmlUrl: repository.html_url,
    author: await appAuthor(context),
    retry: { attempts: applyAttempts(process.env) },
  });
}
