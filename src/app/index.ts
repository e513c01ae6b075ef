import type { Probot } from "probot";
import { onCheckRunRerequested } from "./check-run.js";
import { onIssueComment } from "./issue-comment.js";
import { onPullRequest } from "./pull-request.js";
import { onPush } from "./push.js";

/** Wires GitHub events to Paved's flows. Every handler only fetches and delivers; the core decides. */
export default function paved(app: Probot): void {
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
    onPullRequest,
  );
  app.on("check_run.rerequested", onCheckRunRerequested);
  app.on("issue_comment.created", onIssueComment);
  app.on("push", onPush);
}
