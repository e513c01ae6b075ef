import type { Context } from "probot";
import { quickCheckMs } from "../core/shell-env.js";
import { headOf } from "../github/find-pull-request.js";
import { previewFleet } from "../flows/fleet-rerender.js";
import { isOrgSettingsRepo } from "../github/org-settings-change.js";
import { appAuthor } from "./author.js";
import { planShell } from "./plan-shell.js";
import { planPullRequest } from "../flows/pull-request-plan.js";
import { plansPullRequest } from "../flows/pull-request-trigger.js";
import { onConfigPullRequest } from "./config-pull-request.js";
import { onPullRequestPreview } from "./preview.js";
import { readOrgSettings } from "../github/org-settings.js";
import { withPullRequestFacts } from "../github/event-facts.js";

type PullRequestContext = Context<"pull_request"> | Context<"pull_request_review">;

export async function onPullRequest(context: PullRequestContext): Promise<void> {
  const { payload } = context;
  if (!plansPullRequest(context.name, payload)) return;
  const pr = payload.pull_request;
  // In the org's `.github` repository, a changed org config gets its own check (a no-op elsewhere)…
  if (context.name === "pull_request" && ["opened", "synchronize", "reopened"].includes(payload.action)) {
    await onConfigPullRequest(context as Context<"pull_request">);
  }
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  // …and the fleet re-render it would cause, as the Paved check and one comment.
  if (isOrgSettingsRepo(repo) && payload.action !== "submitted" && payload.action !== "dismissed") {
    const fromFork = (pr.head.repo?.full_name ?? "").toLowerCase() !== payload.repository.full_name.toLowerCase();
    const target = { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, deliveryId: context.id, log: context.log, htmlUrl: payload.repository.html_url, quickCheckMs: quickCheckMs(process.env) };
    await previewFleet(context.octokit, { ...target, org: repo.owner, fromFork, public: !payload.repository.private, author: await appAuthor(context) });
    return;
  }
  // The org config, the manifests, the head's pull requests and the reviews in one GraphQL read.
  const gh = await withPullRequestFacts(context.octokit, { repo, number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, log: context.log });
  // Read once for the plan and the preview: the same org config judges both.
  const settings = await readOrgSettings(gh, repo.owner);
  await planPullRequest(gh, {
    ...(await planShell(context, payload.repository)),
    repo,
    settings,
    head: headOf(pr, repo),
    baseRef: pr.base.ref,
    number: pr.number,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
  });
  // After the plan: a preview is updated on each push (and made when the PR opens with the label).
  if (context.name === "pull_request" && ["opened", "synchronize", "reopened"].includes(payload.action)) {
    await onPullRequestPreview(context as Context<"pull_request">, settings);
  }
}
