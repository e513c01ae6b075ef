import type { ResolvedConfig } from "../config/types.js";
import { parseYaml } from "../document/parse.js";
import { httpStatus, type GitHub, type Repo } from "./client.js";

/**
 * Who may approve a change to a protected environment, and whether someone did. One pure decision,
 * `approvalVerdict`, with its lookups passed in: the pull request check and the push gate call it on
 * the same inputs (the reviews of the pull request's final head, the owner team from the base's
 * manifest), so a merge is applied exactly when its check said it was approved.
 */
export interface ApprovalRule {
  environment: string;
  /** Team slugs whose members may approve (the owner team included when the config says `owners: true`). */
  teams: string[];
  /** GitHub's rule: whoever pushed the head commit cannot approve it. */
  excludeLastPusher: boolean;
}

export interface ApprovalResult {
  environment: string;
  teams: string[];
  /** The reviewer whose approval satisfies the rule, if any. */
  approvedBy?: string;
  /** Why no approval could count (not a pull request into the default branch, the last pusher unknown …). */
  note?: string;
}

export interface Review {
  user: { login: string } | null;
  state: string;
  commit_id: string | null;
}

export interface ApprovalInput {
  rules: ApprovalRule[];
  reviews: Review[];
  /** Only approvals of this commit count: a push after an approval needs a fresh one. */
  headSha: string;
  /** Who pushed the head commit; null when it could not be told (rules excluding the last pusher then count no one). */
  lastPusher?: string | null;
  /** When set, no approval counts at all, and this says why. */
  refused?: string;
}

export type IsMember = (team: string, user: string) => Promise<boolean>;

/** Team slugs as the config writes them; anything else read from a manifest is not a team. */
const TEAM_SLUG = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** The owner team a manifest's text declares, read with the manifest parser and nothing else trusted from it. */
export function declaredOwner(text: string | null): string | undefined {
  if (text === null) return undefined;
  const { value } = parseYaml(text, "platform.yaml");
  const owner = value !== null && typeof value === "object" && Object.hasOwn(value, "owner") ? (value as { owner: unknown }).owner : undefined;
  return typeof owner === "string" && TEAM_SLUG.test(owner) ? owner : undefined;
}

/**
 * The owner team whose members may approve: the base's. A change never picks its own approvers, so
 * when the base has a manifest without a readable `owner`, no owner team counts (only the configured
 * teams). Only a repository adopting Paved (no manifest at the base) is owned by the head's `owner`,
 * which the plan verifies has write access to the repository.
 */
export function approvingOwner(base: string | null, head: string | null): string | undefined {
  return base === null ? declaredOwner(head) : declaredOwner(base);
}

/** The rules of the environments that change and whose config asks for approval. */
export function approvalRules(changed: readonly string[], config: ResolvedConfig, owner: string | undefined): ApprovalRule[] {
  return config.environments
    .filter((env) => env.approval && changed.includes(env.name))
    .map((env) => ({
      environment: env.name,
      teams: [...new Set([...(env.approval!.owners && owner ? [owner] : []), ...env.approval!.teams])],
      excludeLastPusher: env.approval!.excludeLastPusher,
    }));
}

/** Each reviewer's latest decisive review counts, and only an approval of the head commit. */
export function approversOf(reviews: Review[], headSha: string): string[] {
  const latest = new Map<string, Review>();
  for (const review of reviews) {
    if (!review.user || (review.state !== "APPROVED" && review.state !== "CHANGES_REQUESTED" && review.state !== "DISMISSED")) continue;
    latest.set(review.user.login.toLowerCase(), review);
  }
  return [...latest.values()]
    .filter((r) => r.state === "APPROVED" && r.commit_id === headSha)
    .map((r) => r.user!.login)
    .sort();
}

/** The verdict per rule: who approved, or why no one's approval counts. */
export async function approvalVerdict(input: ApprovalInput, isMember: IsMember): Promise<ApprovalResult[]> {
  const approvers = input.refused ? [] : approversOf(input.reviews, input.headSha);
  const results: ApprovalResult[] = [];
  for (const rule of input.rules) {
    const base = { environment: rule.environment, teams: rule.teams };
    if (input.refused) {
      results.push({ ...base, note: input.refused });
      continue;
    }
    if (rule.excludeLastPusher && !input.lastPusher) {
      results.push({ ...base, note: "Paved could not tell who pushed the latest commit, and its pusher may not approve it" });
      continue;
    }
    const eligible = approvers.filter((user) => !rule.excludeLastPusher || user.toLowerCase() !== input.lastPusher!.toLowerCase());
    let approvedBy: string | undefined;
    for (const user of eligible) {
      for (const team of rule.teams) {
        if (await isMember(team, user)) {
          approvedBy = user;
          break;
        }
      }
      if (approvedBy) break;
    }
    const pusherOnly = !approvedBy && rule.excludeLastPusher && approvers.length > eligible.length;
    results.push({
      ...base,
      ...(approvedBy ? { approvedBy } : {}),
      ...(pusherOnly ? { note: `${input.lastPusher} pushed the latest commit and cannot approve it` } : {}),
    });
  }
  return results;
}

// ── The lookups, against GitHub ─────────────────────────────────────────────────────────────────

export async function readReviews(gh: GitHub, repo: Repo, pullNumber: number): Promise<Review[]> {
  return (await gh.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
    ...repo,
    pull_number: pullNumber,
    per_page: 100,
  })) as Review[];
}

/** Active team membership, each (team, user) asked once. */
export function teamMembership(gh: GitHub, org: string): IsMember {
  const known = new Map<string, Promise<boolean>>();
  return (team, user) => {
    const key = `${team}/${user}`.toLowerCase();
    if (!known.has(key)) known.set(key, isActiveMember(gh, org, team, user));
    return known.get(key)!;
  };
}

async function isActiveMember(gh: GitHub, org: string, team: string, user: string): Promise<boolean> {
  try {
    const { data } = await gh.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org, team_slug: team, username: user });
    return data.state === "active";
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

/**
 * Who pushed `sha` to `branch` of `repo`, from the repository's activity (the push that moved the
 * branch to it). Null when GitHub does not say (a fork Paved cannot read, history beyond one page).
 */
export async function lastPusher(gh: GitHub, repo: Repo, branch: string, sha: string): Promise<string | null> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/activity", { ...repo, ref: `refs/heads/${branch}`, per_page: 100 });
    const push = (data as Array<{ after: string; actor: { login: string } | null }>).find((a) => a.after === sha);
    return push?.actor?.login ?? null;
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404 || status === 403) return null;
    throw error;
  }
}

export interface ApprovalTarget {
  repo: Repo;
  number: number;
  headSha: string;
  /** The head branch and its repository (a fork's differs), to ask who pushed the head. */
  head: { repo: Repo; ref: string };
  refused?: string;
}

/** Fetches what the verdict needs (nothing when no rule applies) and decides. */
export async function evaluateApprovals(gh: GitHub, target: ApprovalTarget, rules: ApprovalRule[]): Promise<ApprovalResult[]> {
  if (rules.length === 0) return [];
  if (target.refused) return approvalVerdict({ rules, reviews: [], headSha: target.headSha, refused: target.refused }, async () => false);
  const needsPusher = rules.some((r) => r.excludeLastPusher);
  const [reviews, pusher] = await Promise.all([
    readReviews(gh, target.repo, target.number),
    needsPusher ? lastPusher(gh, target.head.repo, target.head.ref, target.headSha) : Promise.resolve(null),
  ]);
  return approvalVerdict({ rules, reviews, headSha: target.headSha, lastPusher: pusher }, teamMembership(gh, target.repo.owner));
}
