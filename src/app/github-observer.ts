import type { Context } from "probot";
import { jobScope } from "./job-scope.js";
import { applyAttempts, applyConflicts, githubRequests, rateLimitRemaining } from "./metrics.js";

type Handler<C extends Context> = (context: C) => Promise<void>;

interface RequestOptions {
  method?: string;
  url?: string;
  owner?: string;
  repo?: string;
  status?: string;
  check_run_id?: number;
}

const CHECK_RUNS = "/repos/{owner}/{repo}/check-runs";
const CHECK_RUN = "/repos/{owner}/{repo}/check-runs/{check_run_id}";
const GIT_REF = "/repos/{owner}/{repo}/git/refs/{ref}";

/**
 * Watches the event's GitHub requests without changing them: counts them for `/metrics` (route
 * templates, never paths with names in them), keeps the latest rate-limit figure, counts GitOps
 * ref updates and lost races, and tells the job which check runs it left in progress, so a job
 * that cannot finish (or a later start) can conclude them.
 */
export function withGitHubObservation<C extends Context>(handler: Handler<C>): Handler<C> {
  return (context) => {
    const scope = jobScope(context.id);
    const installationId = (context.payload as { installation?: { id?: number } }).installation?.id;
    const seen = (options: RequestOptions, status: number, headers: Record<string, string | number | undefined> | undefined, data?: unknown) => {
      const method = (options.method ?? "GET").toUpperCase();
      githubRequests.inc({ method, route: options.url ?? "", status: String(status) });
      const remaining = headers?.["x-ratelimit-remaining"];
      if (remaining !== undefined && installationId !== undefined) rateLimitRemaining.set({ installation: String(installationId) }, Number(remaining));
      if (method === "PATCH" && options.url === GIT_REF) {
        applyAttempts.inc();
        if (status === 422) applyConflicts.inc();
      }
      if (!scope || installationId === undefined || status >= 300 || !options.owner || !options.repo) return;
      const id = options.url === CHECK_RUNS && method === "POST" ? Number((data as { id?: unknown } | undefined)?.id) : options.url === CHECK_RUN ? Number(options.check_run_id) : NaN;
      if (Number.isFinite(id) && (options.status === "in_progress" || options.status === "completed")) {
        scope.onCheck({ installationId, owner: options.owner, repo: options.repo, checkRunId: id, status: options.status });
      }
    };
    context.octokit.hook.after("request", (response, options) => seen(options as RequestOptions, response.status, response.headers, response.data));
    context.octokit.hook.error("request", (error, options) => {
      const e = error as { status?: number; response?: { headers?: Record<string, string> } };
      seen(options as RequestOptions, typeof e.status === "number" ? e.status : 0, e.response?.headers);
      throw error;
    });
    return handler(context);
  };
}
