import type { Context } from "probot";
import { quickCheckMs } from "../core/shell-env.js";
import { appAuthor } from "./author.js";
import { jobScope } from "./job-scope.js";
import { offThread } from "./plan-pool.js";

/**
 * What the App's shell gives every pull-request plan of one delivery, whichever event asked for it
 * (the pull request itself, a re-run of the check, `/paved plan`): the repository's identity and web
 * host, the delivery, the environment's timing, the worker pool under the job's deadline, and who
 * Paved comments as.
 */
export async function planShell(context: Context, repository: { id: number; default_branch: string; html_url: string }) {
  return {
    repositoryId: repository.id,
    defaultBranch: repository.default_branch,
    htmlUrl: repository.html_url,
    author: await appAuthor(context),
    deliveryId: context.id,
    quickCheckMs: quickCheckMs(process.env),
    computeDesired: offThread(jobScope(context.id)?.signal),
    log: context.log,
  };
}
