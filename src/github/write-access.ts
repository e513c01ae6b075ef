/**
 * Who may ask Paved for something that runs or ships code (a re-plan, a fork's preview, a deployment
 * command): write, maintain or admin on the repository. One answer for every command.
 */
import { httpStatus, type GitHub, type Repo } from "./client.js";

/**
 * The collaborator API folds maintain into `write` (`maintain` is accepted too, should it ever say so).
 * A 404 (no such user) is no; any other failure is thrown, so an outage is retried, never read as a refusal.
 */
export async function hasWriteAccess(gh: GitHub, repo: Repo, username: string): Promise<boolean> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { ...repo, username });
    return data.permission === "admin" || data.permission === "write" || data.permission === "maintain";
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}
