import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { example, repositoryPayload, useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, GITOPS, applyMain, deliver, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { pushTo } from "../support/org-world.js";

const DEPLOYMENT = "staging/payments-staging/api/manifests/deployment.yaml";
const SERVICE = "production/payments/api/manifests/service.yaml";

let fake: FakeGitHub;
/** acme/payments' ownership index, keyed by its repository id. */
const index = () => `.paved/sources/${fake.repoState(APP_REPO).id}.yaml`;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

interface Person {
  login: string;
  name?: string;
  email?: string;
}

const mallory: Person = { login: "mallory" };
/** What a person can write into a commit: the bot's name and email (git does not check them). */
const impostor: Person = { login: "mallory", name: "paved[bot]", email: "1234+paved[bot]@users.noreply.github.com" };

/** A push to the GitOps branch by `sender`, with each commit's author and file lists as GitHub sends them. */
async function pushGitOps(before: string, after: string, files: { added?: string[]; modified?: string[]; removed?: string[] }, sender: Person, author: Person = sender) {
  const who = { name: author.name ?? author.login, email: author.email ?? `${author.login}@example.com`, username: author.name ?? author.login };
  const payload = pushTo(GITOPS, before, after, files, { sender: { login: sender.login, id: 7, type: sender.login.endsWith("[bot]") ? "Bot" : "User" } });
  payload.commits[0] = { ...payload.commits[0], author: who, committer: who };
  await deliver(probot, "push", payload);
}

/** Someone edits files in the GitOps repository by hand and pushes. */
async function handEdit(files: Record<string, string>, person: Person = mallory): Promise<string> {
  const before = fake.headSha(GITOPS);
  const after = fake.commit(GITOPS, "main", { files, author: { name: person.name ?? person.login, email: person.email ?? `${person.login}@example.com` } }, "hotfix");
  await pushGitOps(before, after, { modified: Object.keys(files) }, person);
  return after;
}

/** Paved's own GitOps commit, delivered as the push GitHub sends for it. */
async function deliverPavedPush(before: string): Promise<void> {
  const after = fake.headSha(GITOPS);
  const commit = fake.getCommit(GITOPS, after);
  const bot = { login: "paved[bot]", name: commit.author.name, email: commit.author.email };
  const changed = Object.keys(fake.readTree(GITOPS)).filter((p) => fake.readTree(GITOPS, before)[p] !== fake.readTree(GITOPS)[p]);
  await pushGitOps(before, after, { modified: changed }, bot);
}

function comment(number: number, body: string, user: string) {
  const c = fake.addComment(GITOPS, number, body, user);
  const payload = example("issue_comment", "created");
  payload.repository = repositoryPayload(GITOPS);
  payload.installation = { id: 1, node_id: "I1" };
  payload.issue = { ...payload.issue, number, pull_request: undefined, state: "open" };
  delete payload.issue.pull_request;
  payload.comment = { ...payload.comment, id: c.id, body, user: { ...payload.comment.user, login: user, type: "User" } };
  return deliver(probot, "issue_comment", payload);
}

function driftIssues() {
  return fake.issues(GITOPS);
}

describe("drift in the GitOps repository", () => {
  it("raises no issue for Paved's own commits", async () => {
    seedOrg(fake);
    const before = fake.headSha(GITOPS);
    await applyMain(probot, fake);
    expect(fake.getCommit(GITOPS, "main").verified).toBe(true);
    await deliverPavedPush(before);
    // The same commit in a push someone else made (say, merging a branch that holds it): GitHub's signature says it is Paved's.
    const commit = fake.getCommit(GITOPS, "main");
    await pushGitOps(before, commit.sha, { modified: [DEPLOYMENT, index()] }, mallory, { login: "paved[bot]", name: commit.author.name, email: commit.author.email });
    expect(driftIssues()).toEqual([]);
  });

  it("raises no issue when a person merges Paved's own pull request (a gated environment), by merge commit or squash", async () => {
    for (const method of ["merge", "squash"] as const) {
      fake.reset();
      fake.install();
      seedOrg(fake, { config: CONFIG_WITHOUT_APPROVAL.replace("    autoSync: false\n", "    autoSync: false\n    mode: pull-request\n") });
      await applyMain(probot, fake);
      const review = [...fake.repoState(GITOPS).pulls.values()].find((p) => p.state === "open")!;
      expect(review.head.ref).toBe("paved/acme/payments/production");
      const pavedCommit = fake.getCommit(GITOPS, review.head.sha);
      const before = fake.headSha(GITOPS);
      const merged = fake.mergePull(GITOPS, review.number, method);
      const files = Object.keys(fake.readTree(GITOPS)).filter((p) => fake.readTree(GITOPS, before)[p] !== fake.readTree(GITOPS)[p]);
      expect(files.length).toBeGreaterThan(0);
      // GitHub's push for the merge: the pull request's commit (Paved's) and the merge commit, or the squash alone, by the person who merged.
      const payload = pushTo(GITOPS, before, merged, { modified: files }, { sender: { login: "alice", id: 8, type: "User" } });
      const alice = { name: "Alice", email: "alice@example.com", username: "alice" };
      const bot = { name: pavedCommit.author.name, email: pavedCommit.author.email, username: "paved[bot]" };
      payload.commits =
        method === "merge"
          ? [
              { ...payload.commits[0], id: pavedCommit.sha, author: bot, committer: bot },
              { ...payload.commits[0], id: merged, author: alice, committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" } },
            ]
          : [{ ...payload.commits[0], id: merged, author: alice, committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" } }];
      await deliver(probot, "push", payload);
      expect(driftIssues()).toEqual([]);
    }
  });

  it("opens one issue for a hand edit, updates it on a second, and closes it when reverted", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const rendered = fake.readTree(GITOPS);

    // A person edits a file Paved owns (and one it does not own, which never counts).
    const first = await handEdit({ [DEPLOYMENT]: rendered[DEPLOYMENT]!.replace('memory: "256Mi"', 'memory: "1Gi"'), "NOTES.md": "ops notes\n" });
    let issues = driftIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.state).toBe("open");
    expect(issues[0]!.user).toBe("paved[bot]");
    expect(issues[0]!.body).toContain("### `staging/payments-staging/api` (acme/payments)");
    expect(issues[0]!.body).toContain(`\`${DEPLOYMENT}\`: [\`${first.slice(0, 7)}\`](https://github.com/${GITOPS}/commit/${first}) by \`mallory\``);
    expect(issues[0]!.body).not.toContain("NOTES.md");

    // A second hand edit, of another unit: the same issue, one more section.
    const second = await handEdit({ [SERVICE]: rendered[SERVICE]!.replace("port: 80", "port: 81") });
    issues = driftIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain("### `production/payments/api` (acme/payments)");
    expect(issues[0]!.body).toContain(second.slice(0, 7));
    expect(issues[0]!.body).toContain(first.slice(0, 7));

    // Someone who may not write here cannot have Paved write for them.
    await comment(issues[0]!.number, "/paved drift revert", "visitor");
    expect(fake.readTree(GITOPS)[DEPLOYMENT]).toContain('memory: "1Gi"');
    expect(fake.comments(GITOPS, issues[0]!.number).at(-1)!.body).toContain("needs write access");

    // A maintainer asks Paved to put the rendered files back.
    fake.addCollaborator(GITOPS, "alice", "write");
    const beforeRevert = fake.headSha(GITOPS);
    await comment(issues[0]!.number, "/paved drift revert", "alice");
    const after = fake.readTree(GITOPS);
    expect(after[DEPLOYMENT]).toBe(rendered[DEPLOYMENT]);
    expect(after[SERVICE]).toBe(rendered[SERVICE]);
    expect(after["NOTES.md"]).toBe("ops notes\n"); // not Paved's: left alone
    expect(fake.getCommit(GITOPS, "main").verified).toBe(true);
    expect(driftIssues()[0]!.state).toBe("closed");

    // The push of Paved's revert commit raises nothing new.
    await deliverPavedPush(beforeRevert);
    expect(driftIssues()).toHaveLength(1);
    expect(driftIssues()[0]!.state).toBe("closed");
  });

  it("counts a commit that only claims Paved's name as drift, and closes the issue when the file is put back by hand", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const rendered = fake.readTree(GITOPS);
    await handEdit({ [index()]: rendered[index()]!.replace("acme/payments", "acme/payment") }, impostor);
    expect(driftIssues()).toHaveLength(1);
    expect(driftIssues()[0]!.body).toContain(index());

    await handEdit({ [index()]: rendered[index()]! }, mallory);
    expect(driftIssues()[0]!.state).toBe("closed");
  });
});
