/**
 * Change control attacked as a hostile team member would: the real app against the fake GitHub,
 * asserting on what the GitOps repository holds afterwards, not only on check conclusions.
 */
import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApp } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_CONFIG, EXAMPLE_MANIFEST, GITOPS, deliver, openPull, pullRequestPayload, seedOrg } from "../support/app-world.js";
import { FakeGitHub } from "../support/fake-github.js";

const MARKER = "<!-- paved:plan -->";

let fake: FakeGitHub;
let probot: Probot;

beforeEach(async () => {
  fake = new FakeGitHub().install();
  probot = await startApp();
});

afterEach(() => {
  expect(fake.unhandled).toEqual([]);
  fake.uninstall();
});

function pavedCheck(headSha: string) {
  const runs = fake.checkRuns(APP_REPO, { headSha, name: "Paved" });
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

function pavedComment(number: number) {
  return fake.comments(APP_REPO, number).find((c) => c.body.includes(MARKER));
}

/** The example org: payments owns acme/payments (write), alice and bob are in payments, pat in platform. */
function seedTeams(config = EXAMPLE_CONFIG, manifest: string | null = EXAMPLE_MANIFEST): void {
  seedOrg(fake, { config, manifest });
  fake.grantTeam(APP_REPO, "payments", "write");
  fake.addTeamMember("acme", "payments", "alice");
  fake.addTeamMember("acme", "payments", "bob");
  fake.addTeamMember("acme", "platform", "pat");
}

async function review(number: number, user: string, sha = fake.pull(APP_REPO, number).head.sha): Promise<void> {
  fake.addReview(APP_REPO, number, { user, state: "APPROVED", commit_id: sha });
  await deliver(probot, "pull_request_review", { ...pullRequestPayload(fake, number), action: "submitted", review: { state: "approved" } });
}

const scaled = (n: number) => EXAMPLE_MANIFEST.replace("replicas: 3", `replicas: ${n}`);

describe("approvers are never chosen by the change (item 4)", () => {
  it("fails closed when the base manifest has no readable owner: the head's owner team does not count", async () => {
    const ownerless = EXAMPLE_MANIFEST.replace("owner: payments ", "owner: 42 ");
    expect(ownerless).not.toBe(EXAMPLE_MANIFEST);
    seedTeams(EXAMPLE_CONFIG, ownerless);
    fake.addTeamMember("acme", "mallory-team", "mallory");
    fake.grantTeam(APP_REPO, "mallory-team", "write");
    const pr = openPull(fake, { "platform.yaml": scaled(4).replace("owner: payments ", "owner: mallory-team ") });
    await review(pr.number, "mallory");
    expect(pavedCheck(pr.headSha).conclusion).toBe("failure");
    expect(pavedComment(pr.number)!.body).toContain("needs an approving review of the latest commit from a member of `platform`");

    await review(pr.number, "pat");
    expect(pavedCheck(pr.headSha).conclusion).not.toBe("failure");
  });

  it("with excludeLastPusher, the person who pushed the latest commit cannot approve it", async () => {
    const config = EXAMPLE_CONFIG.replace(/( {6}teams: \[platform\].*\n)/, "$1      excludeLastPusher: true\n");
    expect(config).toContain("excludeLastPusher: true");
    seedTeams(config);
    const pr = openPull(fake, { "platform.yaml": scaled(4) });
    // alice (payments) pushes the latest commit onto dev's pull request, then approves it.
    const head = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": scaled(5) }, pusher: "alice" });
    await review(pr.number, "alice", head);
    const check = pavedCheck(head);
    expect(check.conclusion).toBe("failure");
    expect(pavedComment(pr.number)!.body).toContain("alice pushed the latest commit and cannot approve it");

    await review(pr.number, "bob", head);
    expect(pavedCheck(head).conclusion).not.toBe("failure");
    expect(pavedComment(pr.number)!.body).toContain("approved by @bob");
    expect(Object.keys(fake.readTree(GITOPS))).toEqual(["README.md"]);
  });
});
