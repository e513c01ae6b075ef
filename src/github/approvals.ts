import { httpStatus, type GitHub, type Repo } from "./client.js";

export interface ApprovalRule {
  environment: string;
  /** Team slugs whose members may approve (the owner team included when the config says `owners: true`). */
  teams: string[];
}

export interface ApprovalResult {
  environment: string;
  teams: string[];
  /** The reviewer whose approval satisfies the rule, if any. */
  approvedBy?: string;
}

interface Review {
  user: { login: string } | null;
  state: string;
  commit_id: string | null;
}

/**
 * Who approved the head commit: each reviewer's latest decisive review counts, and only when it was
 * made on the current head sha — a push after an approval needs a fresh one.
 */
async function approversOfHead(gh: GitHub, repo: Repo, pullNumber: number, headSha: string): Promise<string[]> {
  const reviews = (await gh.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
    ...repo,
    pull_number: pullNumber,
    per_page: 100,
  })) as Review[];
  const latest = new Map<string, Review>();
  for (const review of reviews) {
    if (!review.user || (review.state !== "APPROVED" && review.state !== "CHANGES_REQUESTED" && review.state !== "DISMISSED")) continue;
    latest.set(review.user.login, review);
  }
  return [...latest.values()]
    .filter((r) => r.state === "APPROVED" && r.commit_id === headSha)
    .map((r) => r.user!.login)
    .sort();
}

async function isActiveMember(gh: GitHub, org: string, team: string, user: string): Promise<boolean> {
  try {
    const { data } = await gh.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
      org,
      team_slug: team,
      username: user,
    });
    return data.state === "active";
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

/** Evaluates each environment's approval rule against the reviews of the pull request. */
export async function evaluateApprovals(
  gh: GitHub,
  repo: Repo,
  pullNumber: number,
  headSha: string,
  rules: ApprovalRule[],
): Promise<ApprovalResult[]> {
  if (rules.length === 0) return [];
  const approvers = await approversOfHead(gh, repo, pullNumber, headSha);
  const memberships = new Map<string, Promise<boolean>>();
  const member = (team: string, user: string) => {
    const key = `${team}/${user}`;
    if (!memberships.has(key)) memberships.set(key, isActiveMember(gh, repo.owner, team, user));
    return memberships.get(key)!;
  };
  const results: ApprovalResult[] = [];
  for (const rule of rules) {
    let approvedBy: string | undefined;
    for (const user of approvers) {
      for (const team of rule.teams) {
        if (await member(team, user)) {
          approvedBy = user;
          break;
        }
      }
      if (approvedBy) break;
    }
    results.push({ environment: rule.environment, teams: rule.teams, ...(approvedBy ? { approvedBy } : {}) });
  }
  return results;
}
