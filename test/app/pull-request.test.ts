import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { startApp, useApp } from "../support/app-harness.js";
import {
  commentPayload,
  APP_REPO,
  applyMain,
  EXAMPLE_CONFIG,
  EXAMPLE_MANIFEST,
  deliver,
  openPull,
  pullRequestPayload,
  seedOrg,
} from "../support/app-world.js";
import { isWrite, type FakeGitHub } from "../support/fake-github.js";

const MARKER = "<!-- paved:plan -->";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

function pavedComments(number: number) {
  return fake.comments(APP_REPO, number).filter((c) => c.body.includes(MARKER));
}

function pavedCheck(headSha: string) {
  const runs = fake.checkRuns(APP_REPO, { headSha, name: "Paved" });
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

describe("a pull request that changes platform.yaml", () => {
  it("gets a green check and one plan comment naming what changes where", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));

    const check = pavedCheck(pr.headSha);
    expect(check.status).toBe("completed");
    expect(check.conclusion).toBe("neutral"); // valid; the worker is not pinned by digest in production? → warnings only
    const [comment] = pavedComments(pr.number);
    expect(comment!.user).toBe("paved[bot]");
    expect(comment!.body).toContain("staging");
    expect(comment!.body).toContain("production");
    // Where api lands in each environment, by its exact GitOps path.
    expect(comment!.body).toContain("<code>staging/payments-staging/api/manifests/deployment.yaml</code> (create)");
    expect(comment!.body).toContain("<code>production/payments/api/manifests/deployment.yaml</code> (create)");
    expect(comment!.body).toContain("Paved plan");
  });

  it("edits the same comment on the next push instead of adding one", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const first = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    await deliver(probot, "pull_request", pullRequestPayload(fake, first.number));
    const before = pavedComments(first.number);
    expect(before).toHaveLength(1);
    expect(before[0]!.body).toMatch(/replicas 3 → 4/);

    const next = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 5") } });
    expect(fake.pull(APP_REPO, first.number).head.sha).toBe(next);
    await deliver(probot, "pull_request", pullRequestPayload(fake, first.number, "synchronize"));

    const after = pavedComments(first.number);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before[0]!.id);
    expect(after[0]!.body).toMatch(/replicas 3 → 5/);
    expect(pavedCheck(next).conclusion).not.toBe("failure");
  });

  it("fails with annotations on the exact lines of an invalid manifest", async () => {
    seedOrg(fake);
    const broken = EXAMPLE_MANIFEST.replace("    memory: 256Mi", "    memory: 256MB").replace("    replicas: 2\n", "    replica: 2\n");
    const pr = openPull(fake, { "platform.yaml": broken });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));

    const check = pavedCheck(pr.headSha);
    expect(check.conclusion).toBe("failure");
    const lines = broken.split("\n");
    const memoryLine = lines.findIndex((l) => l.includes("256MB")) + 1;
    const replicaLine = lines.findIndex((l) => l.includes("replica: 2")) + 1;
    const failures = check.annotations.filter((a) => a.annotation_level === "failure");
    expect(failures.map((a) => a.start_line).sort((a, b) => a - b)).toEqual([replicaLine, memoryLine].sort((a, b) => a - b));
    expect(failures.every((a) => a.path === "platform.yaml")).toBe(true);
    expect(failures.find((a) => a.start_line === memoryLine)!.message).toContain("256Mi");
    expect(failures.find((a) => a.start_line === replicaLine)!.message).toContain("replicas");
    expect(pavedComments(pr.number)[0]!.body).toContain(`platform.yaml:${memoryLine}`);
  });

  it("reads a fork's manifest by head sha", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 6") }, { fork: "outsider/payments" });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    expect(pavedCheck(pr.headSha).status).toBe("completed");
    expect(pavedComments(pr.number)[0]!.body).toMatch(/replicas 3 → 6/);
    // Never by branch name: the fork's branch does not exist in the base repository.
    const reads = fake.calls.filter((c) => c.path.endsWith("/contents/platform.yaml"));
    expect(reads.every((c) => /^[0-9a-f]{40}$/.test(String(c.query.ref)))).toBe(true);
  });

  it("says so when the org config is invalid, instead of crashing", async () => {
    seedOrg(fake, { config: "environments:\n  staging: {}\n" });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const check = pavedCheck(pr.headSha);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("acme/.github:.github/paved.yml");
    expect(check.output.summary).toContain("cluster");
  });

  it("validates with built-in defaults when the org has no config", async () => {
    seedOrg(fake, { config: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const check = pavedCheck(pr.headSha);
    expect(check.status).toBe("completed");
    // The example needs the org's dependency catalog: without a config, `postgres` is unknown.
    expect(check.output.summary).toContain("postgres");
    expect(check.output.summary).toContain("built-in defaults");
  });

  it("validates a manifest without claiming a deployment when no GitOps repository is configured", async () => {
    seedOrg(fake, { config: null });
    const pr = openPull(fake, { "platform.yaml": "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n" });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const check = pavedCheck(pr.headSha);
    expect(check.conclusion).toBe("neutral"); // valid; a production-digest warning
    expect(check.output.summary).toContain("nothing will be deployed");
  });

  it("stays quiet on a pull request of a repository without a manifest", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "README.md": "changed\n" });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    expect(fake.checkRuns(APP_REPO)).toHaveLength(0);
    expect(fake.comments(APP_REPO, pr.number)).toHaveLength(0);
  });

  it("changes nothing when the same delivery arrives twice", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    const payload = pullRequestPayload(fake, pr.number);
    const id = await deliver(probot, "pull_request", payload);
    const writes = fake.calls.filter(isWrite).length;
    const check = pavedCheck(pr.headSha);
    await deliver(probot, "pull_request", payload, id);
    expect(fake.calls.filter(isWrite).length).toBe(writes);
    expect(pavedCheck(pr.headSha).updates).toBe(check.updates);
    expect(pavedComments(pr.number)).toHaveLength(1);
  });

  it("leaves one comment when two deliveries race, in one process or on two replicas", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    const payload = pullRequestPayload(fake, pr.number);
    await Promise.all([deliver(probot, "pull_request", payload), deliver(probot, "pull_request", payload)]);
    expect(pavedComments(pr.number)).toHaveLength(1);

    const other = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 5") }, { branch: "other" });
    const replica = await startApp();
    const otherPayload = pullRequestPayload(fake, other.number);
    await Promise.all([deliver(probot, "pull_request", otherPayload), deliver(replica, "pull_request", otherPayload)]);
    expect(pavedComments(other.number)).toHaveLength(1);
  });

  it("recomputes on re-run, even for a fork whose check lists no pull request", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") }, { fork: "outsider/payments" });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const check = pavedCheck(pr.headSha);
    const updates = check.updates;
    await deliver(probot, "check_run", {
      action: "rerequested",
      check_run: { id: check.id, name: "Paved", head_sha: pr.headSha, pull_requests: [], check_suite: { head_sha: pr.headSha } },
      repository: pullRequestPayload(fake, pr.number).repository,
      installation: { id: 1 },
      sender: { login: "dev", type: "User" },
    });
    expect(pavedCheck(pr.headSha).updates).toBeGreaterThan(updates);
  });

  it("recomputes on `/paved plan` and reacts to the comment", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    fake.addCollaborator(APP_REPO, "dev", "write");
    const comment = fake.addComment(APP_REPO, pr.number, "/paved plan", "dev");
    await deliver(probot, "issue_comment", commentPayload(fake, pr.number, { id: comment.id, body: "/paved plan", user: "dev" }));
    expect(fake.comments(APP_REPO, pr.number).find((c) => c.id === comment.id)!.reactions.length).toBe(1);
    expect(pavedCheck(pr.headSha).status).toBe("completed");
    expect(pavedComments(pr.number)).toHaveLength(1);
  });
});

describe("approvals for a protected environment", () => {
  it("fails until a member of the owner team approves the head commit", async () => {
    seedOrg(fake, { config: EXAMPLE_CONFIG });
    fake.addTeamMember("acme", "payments", "alice");
    fake.addTeamMember("acme", "search", "mallory");
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    let check = pavedCheck(pr.headSha);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("payments");
    expect(check.output.summary).toContain("platform");

    // An approval from someone outside the allowed teams does not count.
    fake.addReview(APP_REPO, pr.number, { user: "mallory", state: "APPROVED", commit_id: pr.headSha });
    await deliver(probot, "pull_request_review", { ...pullRequestPayload(fake, pr.number), action: "submitted", review: { state: "approved" } });
    expect(pavedCheck(pr.headSha).conclusion).toBe("failure");

    fake.addReview(APP_REPO, pr.number, { user: "alice", state: "APPROVED", commit_id: pr.headSha });
    await deliver(probot, "pull_request_review", { ...pullRequestPayload(fake, pr.number), action: "submitted", review: { state: "approved" } });
    check = pavedCheck(pr.headSha);
    expect(check.conclusion).not.toBe("failure");
    expect(pavedComments(pr.number)[0]!.body).toContain("approved by @alice");
  });

  it("does not let a pull request name its own approvers by changing owner", async () => {
    seedOrg(fake, { config: EXAMPLE_CONFIG });
    fake.addTeamMember("acme", "mallory-team", "mallory");
    const pr = openPull(fake, {
      "platform.yaml": EXAMPLE_MANIFEST.replace("owner: payments", "owner: mallory-team").replace("replicas: 3", "replicas: 4"),
    });
    fake.addReview(APP_REPO, pr.number, { user: "mallory", state: "APPROVED", commit_id: pr.headSha });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    expect(pavedCheck(pr.headSha).conclusion).toBe("failure");
  });
});
