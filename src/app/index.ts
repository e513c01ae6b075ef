import type { Probot } from "probot";
import { rememberApp } from "./app-identity.js";
import { onCheckRunRerequested } from "./check-run.js";
import { onDriftComment } from "./drift-comment.js";
import { onIssueComment } from "./issue-comment.js";
import { onMergeGroup } from "./merge-group.js";
import { onPullRequest } from "./pull-request.js";
import { onPush } from "./push.js";
import { withRequestTimeout } from "./request-timeout.js";

/** Wires GitHub events to Paved's flows. Every handler only fetches and delivers; the core decides. */
export default function paved(app: Probot): void {
  rememberApp(app);
  app.on(
    [
      "pull_request.opened",
      "pull_request.synchronize",
      "pull_request.reopened",
      "pull_request.ready_for_review",
      "pull_request.edited",
      "pull_request_review.submitted",
      "pull_request_review.dismissed",
    ],
    withRequestTimeout(onPullRequest),
  );
  app.on("check_run.rerequested", withRequestTimeout(onCheckRunRerequested));
  app.on("issue_comment.created", withRequestTimeout(onIssueComment));
  app.on("issue_comment.created", withRequestTimeout(onDriftComment));
  app.on("push", withRequestTimeout(onPush));
  app.on("merge_group.checks_requested", withRequestTimeout(onMergeGroup));
}
