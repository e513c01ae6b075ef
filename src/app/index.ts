import type { ApplicationFunctionOptions, Probot } from "probot";
import { onCheckRunRerequested } from "./check-run.js";
import { withGitHubObservation } from "./github-observer.js";
import { onIssueComment } from "./issue-comment.js";
import { onPullRequest } from "./pull-request.js";
import { mountPortal } from "./portal.js";
import { onPush } from "./push.js";
import { withRequestTimeout } from "./request-timeout.js";

/** The events Paved acts on; the webhook endpoint acknowledges every other one without queueing it. */
export const PULL_REQUEST_EVENTS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.edited",
  "pull_request_review.submitted",
  "pull_request_review.dismissed",
] as const;
export const HANDLED_EVENTS: readonly string[] = [...PULL_REQUEST_EVENTS, "check_run.rerequested", "issue_comment.created", "push"];

/** Whether a delivery of `name` with this payload's action reaches a handler. */
export function isHandled(name: string, action: unknown): boolean {
  return HANDLED_EVENTS.includes(name) || (typeof action === "string" && HANDLED_EVENTS.includes(`${name}.${action}`));
}

/** Wires GitHub events to Paved's flows. Every handler only fetches and delivers; the core decides. */
export default function paved(app: Probot, options?: ApplicationFunctionOptions): void {
  // Every handler's GitHub requests are observed (metrics, checks in progress) and get send-time deadlines.
  app.on([...PULL_REQUEST_EVENTS], withGitHubObservation(withRequestTimeout(onPullRequest)));
  app.on("check_run.rerequested", withGitHubObservation(withRequestTimeout(onCheckRunRerequested)));
  app.on("issue_comment.created", withGitHubObservation(withRequestTimeout(onIssueComment)));
  app.on("push", withGitHubObservation(withRequestTimeout(onPush)));
  mountPortal(app, options);
}
