import type { Octokit } from "@octokit/core";
import type { PaginateInterface } from "@octokit/plugin-paginate-rest";
import type { Source } from "../core/files.js";

/**
 * The GitHub client the shells hand to the GitHub-facing code: Probot's octokit in the app,
 * `octokit`'s Octokit in the Action. Only `request` and `paginate` are used, so both fit.
 */
export type GitHub = Pick<Octokit, "request"> & { paginate: PaginateInterface };

export interface Repo {
  owner: string;
  repo: string;
}

export function parseRepo(fullName: string): Repo {
  const [owner, repo, ...rest] = fullName.split("/");
  if (!owner || !repo || rest.length > 0) throw new Error(`expected owner/name, got "${fullName}"`);
  return { owner, repo };
}

export function fullName(r: Repo): string {
  return `${r.owner}/${r.repo}`;
}

/** The source a repository's manifest is planned as: its name, and its id when the event carries one. */
export function sourceOf(r: Repo, id: number | undefined): Source {
  return { repository: fullName(r), ...(id !== undefined ? { id: String(id) } : {}) };
}

/** Calls that create something must not be retried blindly: a retry after a lost response duplicates it. */
export const NO_RETRY = { request: { retries: 0 } } as const;

export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
