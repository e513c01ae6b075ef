import type { ApplicationFunctionOptions, Probot } from "probot";
import { PLAN_EVENTS } from "../flows/pull-request-trigger.js";
import { rememberApp } from "./app-identity.js";
import { mountArgoFeedback } from "./argocd-receiver.js";
import { onCheckRunRerequested } from "./check-rerun.js";
import { onDriftComment } from "./drift-comment.js";
import { withGitHubObservation } from "./github-observer.js";
import { onDeploymentStatus } from "./deployment-status.js";
import { onIssueComment } from "./issue-comment.js";
import { onMergeGroup } from "./merge-group.js";
import { onPullRequestPreview } from "./preview.js";
import { onPullRequest } from "./pull-request.js";
import { mountPortal } from "./portal.js";
import { onPush } from "./push.js";
import { withRequestTimeout } from "./request-timeout.js";

/** The events Paved acts on; the webhook endpoint acknowledges every other one without queueing it. */
export const PULL_REQUEST_EVENTS = PLAN_EVENTS;
/** Preview-only pull request events (labels and closing); opened, reopened and synchronize also reach previews through onPullRequest. */
export const PREVIEW_EVENTS = ["pull_request.labeled", "pull_request.unlabeled", "pull_request.closed"] as const;
export const HANDLED_EVENTS: readonly string[] = [...PULL_REQUEST_EVENTS, ...PREVIEW_EVENTS, "check_run.rerequested", "issue_comment.created", "push", "deployment_status.created", "merge_group.checks_requested"];

/** Whether a delivery of `name` with this payload's action reaches a handler. */
export function isHandled(name: string, action: unknown): boolean {
  return HANDLED_EVENTS.includes(name) || (typeof action === "string" && HANDLED_EVENTS.includes(`${name}.${action}`));
}

/** Wires GitHub events to Paved's flows. Every handler only fetches and delivers; the core decides. */
export default function paved(app: Probot, options?: ApplicationFunctionOptions): void {
  // Drift tells Paved's own commits by the app's bot, whose name GitHub gives only to the app's own credentials.
  rememberApp(app);
  // Every handler's GitHub requests are observed (metrics, checks in progress) and get send-time deadlines.
  app.on([...PULL_REQUEST_EVENTS], withGitHubObservation(withRequestTimeout(onPullRequest)));
  app.on([...PREVIEW_EVENTS], withGitHubObservation(withRequestTimeout(onPullRequestPreview)));
  app.on("check_run.rerequested", withGitHubObservation(withRequestTimeout(onCheckRunRerequested)));
  app.on("issue_comment.created", withGitHubObservation(withRequestTimeout(onIssueComment)));
  app.on("issue_comment.created", withGitHubObservation(withRequestTimeout(onDriftComment)));
  app.on("push", withGitHubObservation(withRequestTimeout(onPush)));
  app.on("deployment_status.created", withGitHubObservation(withRequestTimeout(onDeploymentStatus)));
  app.on("merge_group.checks_requested", withGitHubObservation(withRequestTimeout(onMergeGroup)));
  mountArgoFeedback(app, options);
  mountPortal(app, options);
}
