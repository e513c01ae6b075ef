import type { Diagnostic } from "../core/diagnostic.js";
import type { DesiredState } from "../plan/types.js";
import { httpStatus, type GitHub, type Repo } from "./client.js";

interface TeamRepository {
  permissions?: { admin?: boolean; maintain?: boolean; push?: boolean };
}

/**
 * `owner` decides whose namespaces, AppProject and catalog a manifest deploys into, so it is checked
 * against GitHub: the team must have push, maintain or admin on the source repository. Otherwise (and
 * when GitHub refuses to say) a located error on the `owner` line: nothing is planned or applied.
 * Nothing to check when the manifest has no units (invalid, or removed).
 */
export async function ownerDiagnostics(gh: GitHub, repo: Repo, desired: DesiredState, file: string): Promise<Diagnostic[]> {
  const owner = desired.units[0]?.owner;
  if (owner === undefined) return [];
  const at = desired.locate("/owner") ?? { line: 1, column: 1 };
  const error = (message: string): Diagnostic => ({ severity: "error", code: "owner-not-verified", message, file, ...at, path: "/owner" });
  let data: TeamRepository | undefined;
  try {
    const response = await gh.request("GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}", {
      org: repo.owner,
      team_slug: owner,
      ...repo,
      headers: { accept: "application/vnd.github.v3.repository+json" },
    });
    data = response.data as TeamRepository | undefined;
  } catch (caught) {
    const status = httpStatus(caught);
    if (status === 404) {
      return [
        error(
          `the team \`${owner}\` has no access to ${repo.owner}/${repo.repo} (or is not a team of ${repo.owner}): \`owner\` must be a team with push, maintain or admin on this repository. Name your own team, or ask an org owner to give \`${owner}\` write access here`,
        ),
      ];
    }
    // A rate limit is not an answer: the delivery fails and is retried.
    if ((status === 401 || status === 403) && !/rate limit/i.test((caught as Error).message)) {
      return [error(`GitHub refused to say whether the team \`${owner}\` may write to ${repo.owner}/${repo.repo} (${status}); Paved deploys nothing for an owner it cannot verify. The app needs the organization permission members: read`)];
    }
    throw caught;
  }
  const p = data?.permissions;
  if (p?.admin || p?.maintain || p?.push) return [];
  return [
    error(
      `the team \`${owner}\` can only read ${repo.owner}/${repo.repo}: \`owner\` must be a team with push, maintain or admin on this repository. Name your own team, or ask an org owner to give \`${owner}\` write access here`,
    ),
  ];
}
