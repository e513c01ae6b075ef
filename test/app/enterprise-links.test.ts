import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_MANIFEST, commentPayload, GITOPS, deliver, openPull, pullRequestPayload, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

// On GitHub Enterprise Server the payload's `html_url` names the host: every link Paved writes
// (the plan comment's commit, the check's GitOps commit) must point there, not at github.com.
const GHE = "https://ghe.example.com";
const MARKER = "<!-- paved:plan -->";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

function onEnterprise<T extends { repository: { html_url: string } }>(payload: T): T {
  payload.repository.html_url = payload.repository.html_url.replace("https://github.com", GHE);
  return payload;
}

function planComment(number: number): string {
  const comments = fake.comments(APP_REPO, number).filter((c) => c.body.includes(MARKER));
  expect(comments).toHaveLength(1);
  return comments[0]!.body;
}

describe("links on GitHub Enterprise", () => {
  it("a re-run of the check links the plan comment to the commit on the Enterprise host", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    await deliver(probot, "check_run", {
      action: "rerequested",
      check_run: { id: 1, name: "Paved", head_sha: pr.headSha, pull_requests: [], check_suite: { head_sha: pr.headSha } },
      repository: onEnterprise(pullRequestPayload(fake, pr.number)).repository,
      installation: { id: 1 },
      sender: { login: "dev", type: "User" },
    });
    const body = planComment(pr.number);
    expect(body).toContain(`${GHE}/${APP_REPO}/commit/${pr.headSha}`);
    expect(body).not.toContain(`https://github.com/${APP_REPO}/commit/`);
  });

  it("`/paved plan` links the plan comment to the commit on the Enterprise host", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    fake.addCollaborator(APP_REPO, "dev", "write");
    const comment = fake.addComment(APP_REPO, pr.number, "/paved plan", "dev");
    await deliver(probot, "issue_comment", commentPayload(fake, pr.number, { id: comment.id, body: "/paved plan", user: "dev" }, onEnterprise(pullRequestPayload(fake, pr.number)).repository));
    const body = planComment(pr.number);
    expect(body).toContain(`${GHE}/${APP_REPO}/commit/${pr.headSha}`);
    expect(body).not.toContain(`https://github.com/${APP_REPO}/commit/`);
  });

  it("a merge links the check and the comment to the GitOps commit on the Enterprise host", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", onEnterprise(pullRequestPayload(fake, pr.number)));
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.mergePull(APP_REPO, pr.number, "squash");
    await deliver(probot, "push", onEnterprise(pushPayload(fake, before, after)));

    const gitopsHead = fake.getCommit(GITOPS, "main").sha;
    const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!;
    expect(check.output.title).toContain("applied");
    expect(check.output.summary).toContain(`${GHE}/${GITOPS}/commit/${gitopsHead}`);
    const body = planComment(pr.number);
    expect(body).toContain(`${GHE}/${GITOPS}/commit/${gitopsHead}`);
    expect(body).not.toContain(`https://github.com/${GITOPS}/commit/`);
  });

  it("a /paved command replies with the GitOps commit on the Enterprise host", async () => {
    seedOrg(fake, { config: CONFIG_WITHOUT_APPROVAL.replace("  production:\n", "  production:\n    promote: manual\n"), manifest: null });
    fake.addCollaborator(APP_REPO, "dev", "write");
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.mergePull(APP_REPO, pr.number, "squash");
    await deliver(probot, "push", onEnterprise(pushPayload(fake, before, after)));
    const comment = fake.addComment(APP_REPO, pr.number, "/paved promote production", "dev");
    await deliver(probot, "issue_comment", commentPayload(fake, pr.number, { id: comment.id, body: "/paved promote production", user: "dev" }, onEnterprise(pullRequestPayload(fake, pr.number)).repository));
    const gitopsHead = fake.getCommit(GITOPS, "main").sha;
    const reply = fake.comments(APP_REPO, pr.number).at(-1)!.body;
    expect(reply).toContain(`GitOps commit ${GHE}/${GITOPS}/commit/${gitopsHead}`);
    expect(reply).not.toContain("https://github.com/");
  });
});
