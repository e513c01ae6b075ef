/**
 * What the Action is given: its inputs, the Actions environment, and API clients for its tokens.
 * Everything is read from an `env` object (process.env in the entry) so the runner can be tested
 * without touching the process.
 */
import { Octokit } from "octokit";
import type { GitHub, Repo } from "../github/client.js";
import { parseRepo } from "../github/client.js";
import { ACTIONS_BOT } from "../github/sticky-comment.js";
import { ORG_CONFIG_PATH } from "../settings/paths.js";

/** A problem with how the Action is set up: reported as the step's failure message, without a stack. */
export class ActionError extends Error {
  override name = "ActionError";
}

/** `INPUT_<NAME>`: upper-cased, spaces as `_`, hyphens kept, trimmed — exactly what `core.getInput` reads. */
export function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

/** action.yml's default for `config`, also used when the input is absent (outside a workflow). */
export const DEFAULT_CONFIG_PATH = ORG_CONFIG_PATH;

export interface ActionInputs {
  githubToken: string;
  /** Empty when not given: the GitHub token is then used for the GitOps repository too. */
  gitopsToken: string;
  /**
   * Where the org config comes from: `org` (the default) reads it from the org's `.github` repository
   * like the app; `workspace` (an explicit opt-in) reads `config` from the checkout.
   */
  configSource: "org" | "workspace";
  /** Reads `<org>/.github` when the config comes from there; empty: `gitops-token`, else `github-token`. */
  configToken: string;
  /** The org config's path in the workspace (with `config-source: workspace`). */
  config: string;
  /** Overrides the config's `manifest` when given. */
  manifest: string;
  /** Who `github-token` writes comments as: only that login's plan comment is Paved's. */
  commentAuthor: string;
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const githubToken = input(env, "github-token");
  if (!githubToken) {
    throw new ActionError("the `github-token` input is empty: leave it out (it defaults to `${{ github.token }}`) or pass a token with checks: write and pull-requests: write");
  }
  const configSource = input(env, "config-source") || "org";
  if (configSource !== "org" && configSource !== "workspace") {
    throw new ActionError(`the \`config-source\` input must be \`org\` (the org's .github repository) or \`workspace\`, not "${configSource}"`);
  }
  return {
    githubToken,
    gitopsToken: input(env, "gitops-token"),
    configSource,
    configToken: input(env, "config-token"),
    config: input(env, "config") || DEFAULT_CONFIG_PATH,
    manifest: input(env, "manifest"),
    commentAuthor: input(env, "comment-author") || ACTIONS_BOT,
  };
}

export interface ActionContext {
  eventName: string;
  eventPath: string;
  repo: Repo;
  /** Where actions/checkout put the repository (the org config is read from here). */
  workspace: string;
  apiUrl: string;
  serverUrl: string;
  /** Identifies this run attempt: a re-run recomputes, the same attempt never reports twice. */
  runId: string;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ActionError(`${name} is not set: Paved's Action runs inside a GitHub Actions workflow (on pull_request_target or push)`);
  return value;
}

/** The REST API root: api.github.com, or the GitHub Enterprise Server's. */
export function apiUrlOf(env: NodeJS.ProcessEnv): string {
  return (env["GITHUB_API_URL"] || "https://api.github.com").replace(/\/+$/, "");
}

export function readContext(env: NodeJS.ProcessEnv): ActionContext {
  const eventName = required(env, "GITHUB_EVENT_NAME");
  const eventPath = required(env, "GITHUB_EVENT_PATH");
  const repository = required(env, "GITHUB_REPOSITORY");
  let repo: Repo;
  try {
    repo = parseRepo(repository);
  } catch {
    throw new ActionError(`GITHUB_REPOSITORY must be owner/name, not "${repository}"`);
  }
  return {
    eventName,
    eventPath,
    repo,
    workspace: env["GITHUB_WORKSPACE"] || process.cwd(),
    apiUrl: apiUrlOf(env),
    serverUrl: (env["GITHUB_SERVER_URL"] || "https://github.com").replace(/\/+$/, ""),
    runId: env["GITHUB_RUN_ID"] ? `actions-run-${env["GITHUB_RUN_ID"]}-${env["GITHUB_RUN_ATTEMPT"] || "1"}` : `actions-run-${Date.now()}`,
  };
}

export interface ClientLog {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

/** A wait longer than this for the primary rate limit fails the step rather than holding a runner. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 60;

/**
 * An Octokit for one token, as a workflow step should use it: retries on 5xx (the flows mark the calls
 * that create something as not retryable), writes spaced by the throttling plugin, one retry after a
 * secondary rate limit, and a primary rate limit waited out only when the reset is near.
 * `overrides` are merged last (tests turn throttling off: its write queue spaces writes 1 s apart).
 */
export function actionClient(token: string, apiUrl: string, log: ClientLog, overrides: Record<string, unknown> = {}): GitHub {
  return new Octokit({
    auth: token,
    baseUrl: apiUrl,
    userAgent: "paved-action",
    log: { debug: log.debug, info: log.debug, warn: log.warning, error: log.info },
    retry: { retries: 3 },
    throttle: {
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log.warning(`GitHub's rate limit for this token is used up (${options.method} ${options.url}); it resets in ${retryAfter} s`);
        return retryCount === 0 && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log.warning(`GitHub's secondary rate limit hit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
        return retryCount === 0;
      },
    },
    ...overrides,
  });
}
