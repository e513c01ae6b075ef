import type { ApplicationFunctionOptions, Probot } from "probot";
import { rememberApp } from "./app-identity.js";
import { onCheckRunRerequested } from "./check-run.js";
import { onDriftComment } from "./drift-comment.js";
import { withGitHubObservation } from "./github-observer.js";
import { onIssueComment } from "./issue-comment.js";
import { onMergeGroup } from "./merge-group.js";
import { onPullRequest } from "./pull-request.js";
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
export const HANDLED_EVENTS: readonly string[] = [...PULL_REQUEST_EVENTS, "check_run.rerequested", "issue_comment.created", "push", "merge_group.checks_requested"];

/** Whether a delivery of `name` with this payload's action reaches a handler. */
export function isHandled(name: string, action: unknown): boolean {
  return HANDLED_EVENTS.includes(name) || (typeof action === "string" && HANDLED_EVENTS.includes(`${name}.${action}`));
}

/** Wires GitHub events to Paved's flows. Every handler only fetches and delivers; the core decides. */
export default function paved(app: Probot, _options?: ApplicationFunctionOptions): void {
  // Drift tells Paved's own commits by the app's bot, whose name GitHub gives only to the app's own credentials.
  rememberApp(app);
  // Every handler's GitHub requests are observed (metrics, checks in progress) and get send-time deadlines.
  app.on([...PULL_REQUEST_EVENTS], withGitHubObservation(withRequestTimeout(onPullRequest)));
  app.on("check_run.rerequested", withGitHubObservation(withRequestTimeout(onCheckRunRerequested)));
  app.on("issue_comment.created", withGitHubObservation(withRequestTimeout(onIssueComment)));
  app.on("issue_comment.created", withGitHubObservation(withRequestTimeout(onDriftComment)));
  app.on("push", withGitHubObservation(withRequestTimeout(onPush)));
  app.on("merge_group.checks_requested", withGitHubObservation(withRequestTimeout(onMergeGroup)));
}
