import type { Context } from "probot";
import { revertDrift } from "../flows/drift.js";
import { readOrgSettings } from "../github/org-settings.js";
import { sameRepository } from "../core/provenance.js";
import { commandLines } from "../core/command-lines.js";
import { appSlug } from "./app-identity.js";

const REVERT_COMMAND = /^\/paved[ \t]+drift[ \t]+revert[ \t]*$/m;

/** `/paved drift revert` on the drift issue in the GitOps repository re-commits the rendered files. */
export async function onDriftComment(context: Context<"issue_comment.created">): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (issue.pull_request || comment.user?.type === "Bot" || !comment.user || !REVERT_COMMAND.test(commandLines(comment.body))) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const settings = await readOrgSettings(context.octokit, repo.owner);
  if (!settings.ok || !settings.config.gitops.repository || !sameRepository(settings.config.gitops.repository, repository.full_name)) return;
  await revertDrift(context.octokit, { repo, appSlug, issueNumber: issue.number, commenter: comment.user.login, commentId: comment.id, settings, log: context.log, htmlUrl: context.payload.repository.html_url });
}
