import type { Octokit } from "@octokit/core";
import type { Context } from "probot";
import { jobScope } from "./job-scope.js";

/** A GitHub call that hangs must fail (and the check with it) rather than hold a check in progress. */
export const GITHUB_REQUEST_TIMEOUT_MS = Number(process.env.PAVED_GITHUB_TIMEOUT_MS) || 30_000;

type Handler<C extends Context> = (context: C) => Promise<void>;
type Fetch = typeof globalThis.fetch;

const TIMED = Symbol("paved.timedFetch");

/**
 * Gives every request of `octokit` a deadline that starts when the request is *sent*: the fetch
 * itself is wrapped, so the time a request waits in Probot's throttling queue (writes 1 s apart,
 * comments 3 s) does not count, and each attempt of a retried request gets its own. A request's own
 * signal still applies; `job` (the job's deadline, when a queue worker runs the event) applies to
 * every request except the write that concludes a check (`request.concludes`), which keeps only its
 * own budget so that a job that ran out of time can still say so.
 */
export function addRequestDeadlines(octokit: Pick<Octokit, "hook">, timeoutMs = GITHUB_REQUEST_TIMEOUT_MS, job?: AbortSignal): void {
  octokit.hook.before("request", (options) => {
    // A copy for this call: Octokit shares one `request` object between calls, so a fetch set on it
    // would serve every later call with this call's signals (a concluding write would get the job's).
    const request = { ...options.request } as { fetch?: Fetch & { [TIMED]?: true }; concludes?: boolean };
    options.request = request as typeof options.request;
    if (request.fetch?.[TIMED]) return;
    // Looked up per call: nock replaces globalThis.fetch when it intercepts.
    const send: Fetch = request.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const jobSignal = request.concludes ? undefined : job;
    const timed = ((input, init = {}) => {
      const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : []), ...(jobSignal ? [jobSignal] : [])];
      return send(input, { ...init, signal: signals.length === 1 ? signals[0]! : AbortSignal.any(signals) });
    }) as Fetch & { [TIMED]?: true };
    timed[TIMED] = true;
    request.fetch = timed;
  });
}

/** The event's GitHub requests get send-time deadlines (and the job's, under a queue worker). */
export function withRequestTimeout<C extends Context>(handler: Handler<C>, timeoutMs = GITHUB_REQUEST_TIMEOUT_MS): Handler<C> {
  return (context) => {
    addRequestDeadlines(context.octokit, timeoutMs, jobScope(context.id)?.signal);
    return handler(context);
  };
}
