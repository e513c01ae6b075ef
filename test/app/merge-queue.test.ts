import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { example, useApp } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_CONFIG, EXAMPLE_MANIFEST, GITOPS, applyMain, deliver, openPull, pushPayload, seedOrg, sourcePayload } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

/** `merge_group.checks_requested` from @octokit/webhooks-examples, for a group the fake's queue created. */
function mergeGroupPayload(group: { headRef: string; headSha: string; baseRef: string; baseSha: string }) {
  const payload = example("merge_group", "checks_requested");
  Object.assign(payload.merge_group, { head_ref: group.headRef, head_sha: group.headSha, base_ref: group.baseRef, base_sha: group.baseSha });
  payload.merge_group.head_commit = { ...payload.merge_group.head_commit, id: group.headSha };
  payload.repository = sourcePayload(fake, APP_REPO);
  payload.installation = { id: 1, node_id: "I1" };
  return payload;
}

function gitopsWrites(): number {
  return fake.callCount((c) => c.method !== "GET" && c.path.startsWith(`/repos/${GITOPS}/`));
}

describe("a merge queue", () => {
  it("gets a concluded Paved check on the group's head commit, and nothing is written to the GitOps repository", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const gitopsHead = fake.headSha(GITOPS);
    const deployed = fake.readTree(GITOPS);
    const writes = gitopsWrites();
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    // main moves after the PR was opened: the group's commit is a merge nobody pushed to the PR.
    fake.commit(APP_REPO, "main", { files: { "README.md": "moved\n" } });
    const group = fake.queuePull(APP_REPO, pr.number);
    expect(group.headSha).not.toBe(pr.headSha);

    await deliver(probot, "merge_group", mergeGroupPayload(group));

    const runs = fake.checkRuns(APP_REPO, { headSha: group.headSha, name: "Paved" });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe("completed");
    expect(runs[0]!.conclusion).not.toBe("failure");
    expect(runs[0]!.output.summary).toContain("replicas 3 → 4");
    // Nothing applied from the queue: the GitOps branch, its files and Paved's writes there are as they were.
    expect(fake.headSha(GITOPS)).toBe(gitopsHead);
    expect(gitopsWrites()).toBe(writes);
    expect(fake.readTree(GITOPS)).toEqual(deployed);
    // The pull request's own comment is not the merge group's business.
    expect(fake.comments(APP_REPO, pr.number)).toHaveLength(0);

    // The push of the queue's branch is not the default branch: still nothing applied.
    await deliver(probot, "push", pushPayload(fake, group.baseSha, group.headSha, { modified: ["platform.yaml"] }, group.headRef));
    expect(fake.headSha(GITOPS)).toBe(gitopsHead);
  });

  it("fails the check on a group whose pull request lacks a required approval, counting reviews of the queued head", async () => {
    seedOrg(fake, { config: EXAMPLE_CONFIG });
    fake.addTeamMember("acme", "payments", "alice");
    await applyMain(probot, fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    const unapproved = fake.queuePull(APP_REPO, pr.number);
    await deliver(probot, "merge_group", mergeGroupPayload(unapproved));
    expect(fake.checkRuns(APP_REPO, { headSha: unapproved.headSha, name: "Paved" })[0]!.conclusion).toBe("failure");

    // Approved on the pull request's head (never on the group's commit, which nobody can review).
    fake.addReview(APP_REPO, pr.number, { user: "alice", state: "APPROVED", commit_id: pr.headSha });
    fake.commit(APP_REPO, "main", { files: { "README.md": "moved\n" } });
    const approved = fake.queuePull(APP_REPO, pr.number);
    await deliver(probot, "merge_group", mergeGroupPayload(approved));
    const check = fake.checkRuns(APP_REPO, { headSha: approved.headSha, name: "Paved" })[0]!;
    expect(check.status).toBe("completed");
    expect(check.conclusion).not.toBe("failure");
  });

  it("fails rather than pass a group whose ref names no pull request", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const group = fake.queuePull(APP_REPO, pr.number);
    await deliver(probot, "merge_group", mergeGroupPayload({ ...group, headRef: "refs/heads/some-other-queue" }));
    const check = fake.checkRuns(APP_REPO, { headSha: group.headSha, name: "Paved" })[0]!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("which pull request");
  });
});
