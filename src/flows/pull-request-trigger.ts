/**
 * Which pull-request deliveries Paved plans, for the App and the Action alike (the Action's
 * `pull_request_target` is a `pull_request` here): the same filter, so both shells plan the same events.
 */

/** `<event>.<action>` pairs that plan the pull request's head. */
export const PLAN_EVENTS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.edited",
  "pull_request_review.submitted",
  "pull_request_review.dismissed",
] as const;

interface PullRequestDelivery {
  action?: string;
  /** What an `edited` delivery changed (title, body, base…). */
  changes?: unknown;
}

/** An edit plans only when it moved the base branch (the plan's other input); a title or body edit does not. */
export function movesPlanInputs(payload: PullRequestDelivery): boolean {
  return payload.action !== "edited" || Boolean((payload.changes as { base?: unknown } | null | undefined)?.base);
}

/** Whether this delivery plans its open pull request: one of `PLAN_EVENTS`, and an edit only if it moved the base. */
export function plansPullRequest(name: string, payload: PullRequestDelivery & { pull_request?: { state?: string } | null }): boolean {
  const event = `${name === "pull_request_target" ? "pull_request" : name}.${payload.action}`;
  return (PLAN_EVENTS as readonly string[]).includes(event) && movesPlanInputs(payload) && payload.pull_request?.state === "open";
}
