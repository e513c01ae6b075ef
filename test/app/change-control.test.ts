/**
 * Change control attacked as a hostile team member would: the real app against the fake GitHub,
 * asserting on what the GitOps repository holds afterwards, not only on check conclusions.
 */
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import {
  commentPayload,
  APP_REPO,
  CONFIG_WITHOUT_APPROVAL,
  EXAMPLE_CONFIG,
  EXAMPLE_MANIFEST,
  GITOPS,
  applyMain,
  deliver,
  indexOf,
  openPull,
  pullRequestPayload,
  pushPayload,
  seedOrg,
} from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

const MARKER = "<!-- paved:plan -->";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

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
    const pr = openPull(fake, { "platform.yaml": scaled(4).replace("owner: payments ", "owner: mallory-team ").replace("payments/stripe", "mallory-team/stripe") });
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

const PROD = "production/payments/api/manifests/deployment.yaml";
const STAGING = "staging/payments-staging/api/manifests/deployment.yaml";
const tagged = (tag: string, manifest = EXAMPLE_MANIFEST) => manifest.replace("payments-api:1.4.2", `payments-api:${tag}`);

/** The GitOps repository holds the example manifest in every environment; then production requires approval. */
async function deployedThenProtected(): Promise<void> {
  seedTeams(CONFIG_WITHOUT_APPROVAL);
  await applyMain(probot, fake);
  expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:1.4.2");
  fake.commit("acme/.github", "main", { files: { ".github/paved.yml": EXAMPLE_CONFIG } });
}

async function mergeAndPush(number: number, method: "merge" | "squash" = "squash"): Promise<string> {
  const before = fake.headSha(APP_REPO, "main");
  const after = fake.mergePull(APP_REPO, number, method);
  await deliver(probot, "push", pushPayload(fake, before, after));
  return after;
}

async function pushDirectly(manifest: string): Promise<string> {
  const before = fake.headSha(APP_REPO, "main");
  const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": manifest } });
  await deliver(probot, "push", pushPayload(fake, before, after));
  return after;
}

describe("the approval gate holds where the write happens (item 1)", () => {
  it("a merge whose check failed for lack of approval writes staging but not production, and says who must approve", async () => {
    await deployedThenProtected();
    const pr = openPull(fake, { "platform.yaml": tagged("1.4.3") });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    expect(pavedCheck(pr.headSha).conclusion).toBe("failure");

    const after = await mergeAndPush(pr.number); // No branch protection: the red check did not stop the merge.
    const tree = fake.readTree(GITOPS);
    expect(tree[STAGING]).toContain("payments-api:1.4.3");
    expect(tree[PROD]).toContain("payments-api:1.4.2");
    const check = pavedCheck(after);
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toContain("not written, waiting for approval in production");
    expect(check.output.summary).toContain("`payments`, `platform`");
    expect(check.output.summary).toContain("has no approving review that counts");
    expect(fake.deployments(APP_REPO).filter((d) => d.sha === after).map((d) => d.environment)).toEqual(["staging"]);
    // The index still describes production as it is in the tree: the next plan shows the change again.
    expect(tree[indexOf(fake, APP_REPO)]).toMatch(/environment: production[\s\S]*image: ghcr.io\/acme\/payments-api:1.4.2/);
  });

  it("a direct push to the default branch never writes production; a later approved pull request carrying it does", async () => {
    await deployedThenProtected();
    const direct = await pushDirectly(tagged("6.6.6"));
    expect(fake.readTree(GITOPS)[STAGING]).toContain("payments-api:6.6.6");
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:1.4.2");
    expect(pavedCheck(direct).output.summary).toContain("was pushed without a pull request");

    const pr = openPull(fake, { "platform.yaml": tagged("6.6.7") });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    await review(pr.number, "alice");
    expect(pavedCheck(pr.headSha).conclusion).not.toBe("failure");
    const merged = await mergeAndPush(pr.number);
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:6.6.7");
    expect(pavedCheck(merged).conclusion).not.toBe("failure");
    expect(fake.deployments(APP_REPO).filter((d) => d.sha === merged).map((d) => d.environment).sort()).toEqual(["production", "staging"]);
  });

  it("an approval of an earlier commit does not carry to the merged head", async () => {
    await deployedThenProtected();
    const pr = openPull(fake, { "platform.yaml": tagged("1.4.3") });
    await review(pr.number, "alice");
    fake.commit(APP_REPO, "feature", { files: { "platform.yaml": tagged("6.6.6") } }); // after the approval
    await mergeAndPush(pr.number, "merge");
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:1.4.2");
    expect(fake.readTree(GITOPS)[STAGING]).toContain("payments-api:6.6.6");
  });

  it("an approved head merged together with another unapproved production change is not written", async () => {
    await deployedThenProtected();
    const approved = openPull(fake, { "platform.yaml": tagged("1.4.3") }, { branch: "approved" });
    await review(approved.number, "alice");
    // Meanwhile production's replicas change on the default branch, pushed directly (withheld there).
    const sneaky = EXAMPLE_MANIFEST.replace("ingress: { host: api.example.com }", "ingress: { host: evil.example.com }");
    expect(sneaky).not.toBe(EXAMPLE_MANIFEST);
    await pushDirectly(sneaky);
    const after = await mergeAndPush(approved.number, "merge");
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:1.4.2");
    expect(fake.readTree(GITOPS)["production/payments/api/manifests/ingress.yaml"]).not.toContain("evil.example.com");
    expect(pavedCheck(after).output.summary).toContain("the merge changes it differently");
  });
});

describe("the plan judges the merge result (item 2)", () => {
  it("two green pull requests that each leave production alone cannot merge into an unapproved production change", async () => {
    // Production pins LOG_LEVEL with an override equal to the base value.
    const pinned = EXAMPLE_MANIFEST.replace("        ingress: { host: api.example.com }\n", "        ingress: { host: api.example.com }\n        env: { LOG_LEVEL: info }\n");
    expect(pinned).not.toBe(EXAMPLE_MANIFEST);
    seedTeams(CONFIG_WITHOUT_APPROVAL, pinned);
    await applyMain(probot, fake);
    fake.commit("acme/.github", "main", { files: { ".github/paved.yml": EXAMPLE_CONFIG } });
    const prodConfigMap = () => fake.readTree(GITOPS)[PROD]!;
    expect(prodConfigMap()).toMatch(/LOG_LEVEL[\s\S]{0,40}info/);

    // A: the base value changes (production pinned by the override: only staging changes).
    const a = openPull(fake, { "platform.yaml": pinned.replace("      LOG_LEVEL: info\n", "      LOG_LEVEL: debug\n") }, { branch: "a" });
    // B: the override goes, "no change" (it equals the base value at B's base).
    const b = openPull(fake, { "platform.yaml": pinned.replace("        env: { LOG_LEVEL: info }\n", "") }, { branch: "b" });
    await deliver(probot, "pull_request", pullRequestPayload(fake, a.number));
    await deliver(probot, "pull_request", pullRequestPayload(fake, b.number));
    expect(pavedCheck(a.headSha).conclusion).not.toBe("failure");
    expect(pavedCheck(b.headSha).conclusion).not.toBe("failure");

    await mergeAndPush(a.number, "merge");
    // A's merge moved B's base: B is planned again, merged with it, and now changes production.
    const replanned = pavedCheck(b.headSha);
    expect(replanned.conclusion).toBe("failure");
    expect(replanned.output.summary).toContain("waiting for approval in production");
    expect(pavedComment(b.number)!.body).toMatch(/production[\s\S]*LOG_LEVEL/);

    // Merged anyway (no branch protection): production is not written (item 1 catches what slips through).
    await mergeAndPush(b.number, "merge");
    expect(fake.readTree("acme/payments")["platform.yaml"]).not.toContain("env: { LOG_LEVEL: info }");
    expect(prodConfigMap()).toMatch(/LOG_LEVEL[\s\S]{0,40}info/);
    expect(fake.readTree(GITOPS)[STAGING]).toMatch(/LOG_LEVEL[\s\S]{0,40}debug/);
  });
});

describe("a check shared by pull requests with different bases (item 3)", () => {
  it("an approval on a pull request into a scratch branch does not turn the pull request into main green", async () => {
    await deployedThenProtected();
    fake.addTeamMember("acme", "mallory-team", "mallory");
    fake.grantTeam(APP_REPO, "mallory-team", "write"); // mallory's team may write here: only the base differs
    // The scratch branch's manifest names the attacker's team as owner.
    fake.commit(APP_REPO, "scratch", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("owner: payments ", "owner: mallory-team ").replace("payments/stripe", "mallory-team/stripe") } });
    const head = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": tagged("6.6.6") } });
    const intoScratch = fake.addPull(APP_REPO, { head: { ref: "feature" }, base: { ref: "scratch" }, user: "mallory" });
    const intoMain = fake.addPull(APP_REPO, { head: { ref: "feature" }, base: { ref: "main" }, user: "mallory" });
    fake.addReview(APP_REPO, intoScratch.number, { user: "mallory", state: "APPROVED", commit_id: head });

    await deliver(probot, "pull_request_review", { ...pullRequestPayload(fake, intoScratch.number), action: "submitted", review: { state: "approved" } });
    let check = pavedCheck(head);
    expect(check.conclusion).toBe("failure");
    await deliver(probot, "pull_request", pullRequestPayload(fake, intoMain.number));
    check = pavedCheck(head);
    expect(check.conclusion).toBe("failure");
    expect(pavedComment(intoScratch.number)!.body).toContain("only a pull request into the default branch can be approved");

    // A platform approval on the pull request into main: that one is green, but the shared check still shows the scratch one.
    fake.addReview(APP_REPO, intoMain.number, { user: "pat", state: "APPROVED", commit_id: head });
    await deliver(probot, "pull_request_review", { ...pullRequestPayload(fake, intoMain.number), action: "submitted", review: { state: "approved" } });
    expect(pavedCheck(head).conclusion).toBe("failure");
    expect(pavedCheck(head).output.summary).toContain(`also the head of #${intoScratch.number}`);
    expect(pavedComment(intoMain.number)!.body).toContain("approved by @pat");
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:1.4.2");
  });
});

describe("nothing is ever rolled back by a delivery (item 6)", () => {
  async function twoPushes(): Promise<{ p1: ReturnType<typeof pushPayload>; p2: ReturnType<typeof pushPayload>; first: string; second: string }> {
    seedTeams(CONFIG_WITHOUT_APPROVAL);
    await applyMain(probot, fake);
    const base = fake.headSha(APP_REPO, "main");
    const first = fake.commit(APP_REPO, "main", { files: { "platform.yaml": tagged("2.0.0") } });
    const second = fake.commit(APP_REPO, "main", { files: { "platform.yaml": tagged("3.0.0") } });
    return { p1: pushPayload(fake, base, first), p2: pushPayload(fake, first, second), first, second };
  }

  it("an older push delivered after a newer one writes nothing and says so on its check", async () => {
    const { p1, p2, first } = await twoPushes();
    await deliver(probot, "push", p2);
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:3.0.0");
    await deliver(probot, "push", p1);
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:3.0.0");
    expect(fake.readTree(GITOPS)[STAGING]).toContain("payments-api:3.0.0");
    const check = pavedCheck(first);
    expect(check.output.title).toContain("Not applied");
    expect(check.output.summary).toContain("would roll the GitOps repository back");
  });

  it("a replayed push body with a new delivery id re-applies nothing", async () => {
    const { p1, p2 } = await twoPushes();
    await deliver(probot, "push", p1);
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:2.0.0");
    await deliver(probot, "push", p2);
    const commits = fake.getCommit(GITOPS, "main").sha;
    await deliver(probot, "push", structuredClone(p1)); // the same signed body, a new X-GitHub-Delivery
    expect(fake.getCommit(GITOPS, "main").sha).toBe(commits);
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:3.0.0");
    expect(fake.readTree(GITOPS)[indexOf(fake, APP_REPO)]).toContain(`commit: ${fake.headSha(APP_REPO, "main")}`);
  });

  it("a late push of a descendant of the commit last applied is applied, and the newer one after it", async () => {
    const { p1, p2, second } = await twoPushes();
    await deliver(probot, "push", p1); // not the head any more, but a descendant of what was applied
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:2.0.0");
    await deliver(probot, "push", p2);
    expect(fake.readTree(GITOPS)[PROD]).toContain("payments-api:3.0.0");
    expect(pavedCheck(second).conclusion).not.toBe("failure");
  });
});

describe("owner is verified (item 5)", () => {
  const intruder = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  backdoor:\n    image: ghcr.io/acme/backdoor:1.0.0\n    replicas: 2\n";

  function searchPush() {
    const payload = pushPayload(fake, "1".repeat(40), fake.headSha("acme/search", "main"), { added: ["platform.yaml"] });
    payload.repository = { ...payload.repository, name: "search", full_name: "acme/search", html_url: "https://github.com/acme/search" };
    return payload;
  }

  it("a repository naming a team without write access to it deploys nothing into that team's namespaces or project", async () => {
    seedTeams(CONFIG_WITHOUT_APPROVAL);
    fake.addRepo("acme/search", { files: { "platform.yaml": intruder } });
    fake.grantTeam("acme/search", "payments", "read"); // payments can read acme/search, not write to it
    await deliver(probot, "push", searchPush());
    expect(Object.keys(fake.readTree(GITOPS))).toEqual(["README.md"]);
    const [check] = fake.checkRuns("acme/search", { name: "Paved" });
    expect(check!.conclusion).toBe("failure");
    const annotation = check!.annotations.find((a) => a.message.includes("owner"))!;
    expect(annotation, JSON.stringify(check!.output)).toBeDefined();
    expect(annotation.start_line).toBe(2); // the `owner` line
    expect(annotation.message).toContain("push, maintain or admin");

    // Once the team really has write access, the same manifest deploys.
    fake.grantTeam("acme/search", "payments", "write");
    fake.commit("acme/search", "main", { files: { "platform.yaml": intruder.replace("1.0.0", "1.0.1") } });
    await deliver(probot, "push", searchPush());
    expect(fake.readTree(GITOPS)["staging/payments-staging/backdoor/application.yaml"]).toBeDefined();
  });

  it("fails closed when GitHub refuses to say, and on a pull request names the owner line", async () => {
    seedTeams(CONFIG_WITHOUT_APPROVAL);
    fake.failNext({ method: "GET", pathMatch: /\/teams\/payments\/repos\//, status: 403, body: { message: "Resource not accessible by integration" } });
    const pr = openPull(fake, { "platform.yaml": scaled(4) });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const check = pavedCheck(pr.headSha);
    expect(check.conclusion).toBe("failure");
    const line = scaled(4).split("\n").findIndex((l) => l.startsWith("owner:")) + 1;
    expect(check.annotations.map((a) => [a.start_line, a.message.includes("refused")])).toContainEqual([line, true]);
  });
});

describe("comment commands and the sticky comment (item 8)", () => {
  async function command(number: number, user: string): Promise<number> {
    const comment = fake.addComment(APP_REPO, number, "/paved plan", user);
    await deliver(probot, "issue_comment", commentPayload(fake, number, { id: comment.id, body: "/paved plan", user }));
    return comment.id;
  }
  const recomputes = (checkId: number) =>
    fake.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/check-runs/${checkId}`) && (c.body as { status?: string }).status === "in_progress").length;

  it("takes /paved commands only from people with write access, whatever their association says", async () => {
    seedTeams();
    fake.addTeamMember("acme", "readers", "rita");
    fake.grantTeam(APP_REPO, "readers", "read"); // rita is an org MEMBER who can only read
    fake.addTeamMember("acme", "triagers", "tom");
    fake.grantTeam(APP_REPO, "triagers", "triage");
    fake.addCollaborator(APP_REPO, "wendy", "maintain");
    const pr = openPull(fake, { "platform.yaml": scaled(4) });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const check = pavedCheck(pr.headSha);

    for (const user of ["rita", "tom", "stranger"]) {
      const id = await command(pr.number, user);
      expect(fake.comments(APP_REPO, pr.number).find((c) => c.id === id)!.reactions, user).toHaveLength(0);
    }
    expect(recomputes(check.id)).toBe(0);
    const id = await command(pr.number, "wendy");
    expect(fake.comments(APP_REPO, pr.number).find((c) => c.id === id)!.reactions).toHaveLength(1);
    expect(recomputes(check.id)).toBe(1);
  });

  it("runs one recompute per pull request at a time, and an unchanged result appends no annotations", async () => {
    seedTeams();
    fake.addCollaborator(APP_REPO, "wendy", "write");
    const pr = openPull(fake, { "platform.yaml": scaled(4) });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const check = pavedCheck(pr.headSha);
    const annotations = check.annotations.length;
    expect(annotations).toBeGreaterThan(0); // the example's production-digest warning

    await Promise.all([command(pr.number, "wendy"), command(pr.number, "wendy"), command(pr.number, "wendy")]);
    expect(recomputes(check.id)).toBe(1);
    await command(pr.number, "wendy");
    expect(recomputes(check.id)).toBe(2);
    expect(pavedCheck(pr.headSha).annotations).toHaveLength(annotations);
    expect(pavedCheck(pr.headSha).status).toBe("completed");
  });

  it("never edits or deletes another author's comment that carries the marker", async () => {
    seedTeams();
    const pr = openPull(fake, { "platform.yaml": scaled(4) });
    const bait = fake.addComment(APP_REPO, pr.number, `${MARKER}\nApproved by platform, merge away`, "mallory");
    const otherBot = fake.addComment(APP_REPO, pr.number, `${MARKER}\n## ✅ Paved: valid: no changes`, "evil-app[bot]");
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const comments = fake.comments(APP_REPO, pr.number);
    expect(comments.find((c) => c.id === bait.id)!.body).toBe(`${MARKER}\nApproved by platform, merge away`);
    expect(comments.find((c) => c.id === otherBot.id)!.body).toBe(`${MARKER}\n## ✅ Paved: valid: no changes`);
    const ours = comments.filter((c) => c.user === "paved[bot]");
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("Paved plan");
  });
});
