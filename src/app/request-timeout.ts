import type { Context } from "probot";

/** A GitHub call that hangs must fail (and the check with it) rather than hold a check in progress. */
export const GITHUB_REQUEST_TIMEOUT_MS = Number(process.env.PAVED_GITHUB_TIMEOUT_MS) || 30_000;

type Handler<C extends Context> = (context: C) => Promise<void>;

/** Gives every GitHub request of the event a deadline, unless the request already has its own signal. */
export function withRequestTimeout<C extends Context>(handler: Handler<C>, timeoutMs = GITHUB_REQUEST_TIMEOUT_MS): Handler<C> {
  return (context) => {
    context.octokit.hook.before("request", (options) => {
      // A copy: `options.request` can be the client's shared defaults, and a signal written there would
      // give every later request of the event the first one's deadline (and fail the check's own report).
      const request = (options.request ?? {}) as { signal?: AbortSignal };
      options.request = { ...request, signal: request.signal ?? AbortSignal.timeout(timeoutMs) } as typeof options.request;
    });
    return handler(context);
  };
}
