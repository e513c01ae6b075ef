import type { Context } from "probot";
import { promoteAfterHealthy } from "../flows/deploy-command.js";

/**
 * A Paved deployment reported `success` (Argo CD feedback: the environment is healthy with that
 * source commit) promotes the commit into the environments with `promote: { after: <that env> }`.
 * The flow promotes only the commit the index says runs there, so a forged status claims health at most.
 */
export async function onDeploymentStatus(context: Context<"deployment_status">): Promise<void> {
  const { deployment_status: status, deployment, repository } = context.payload;
  if (status.state !== "success" || !deployment.description?.startsWith("Paved:") || deployment.creator?.type !== "Bot") return;
  await promoteAfterHealthy(
    context.octokit,
    { repo: { owner: repository.owner.login, repo: repository.name }, repositoryId: repository.id, defaultBranch: repository.default_branch, log: context.log, htmlUrl: repository.html_url },
    deployment.environment,
    deployment.sha,
  );
}
