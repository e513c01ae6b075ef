import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { example, useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_CONFIG, EXAMPLE_MANIFEST, GITOPS, commentPayload, deliver, indexOf, openPull, pushPayload, seedOrg, sourcePayload } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

const CONFIG = CONFIG_WITHOUT_APPROVAL.replace("  production:\n", "  production:\n    promote: { after: staging }\n");
const STAGING = "staging/payments-staging/api/manifests/deployment.yaml";
const PRODUCTION = "production/payments/api/manifests/deployment.yaml";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

function imageIn(path: string): string | undefined {
  return /image: "?([^"\n]+)"?/.exec(fake.readTree(GITOPS)[path] ?? "")?.[1];
}

async function mergeImage(tag: string): Promise<{ sha: string; number: number }> {
  const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", `payments-api:${tag}`) }, { branch: `bump-${tag}` });
  const before = fake.headSha(APP_REPO, "main");
  const sha = fake.mergePull(APP_REPO, pr.number, "squash");
  await deliver(probot, "push", pushPayload(fake, before, sha));
  return { sha, number: pr.number };
}

/** What Argo CD feedback does when staging is healthy: the Paved deployment's status becomes success. */
async function healthy(environment: string, sha: string): Promise<void> {
  const payload = example("deployment_status");
  payload.action = "created";
  payload.repository = sourcePayload(fake, APP_REPO);
  payload.installation = { id: 1, node_id: "I1" };
  payload.deployment = { ...payload.deployment, sha, environment, description: "Paved: GitOps commit 1234567", creator: { ...payload.deployment.creator, type: "Bot" } };
  payload.deployment_status = { ...payload.deployment_status, state: "success", environment };
  await deliver(probot, "deployment_status", payload);
}

/** A comment on the merged pull request, delivered as GitHub would (a redelivery passes the first delivery's id). */
async function comment(number: number, user: string, body: string, delivery?: string): Promise<string> {
  const added = fake.addComment(APP_REPO, number, body, user);
  return say(number, user, body, added.id, delivery);
}

async function say(number: number, user: string, body: string, id: number, delivery?: string): Promise<string> {
  return deliver(probot, "issue_comment", commentPayload(fake, number, { id, body, user }), delivery);
}

/** 1.5.0 then 1.6.0 merged, each healthy in staging and so promoted to production; "dev" may write. */
async function twoReleasesPromoted(): Promise<{ first: { sha: string; number: number }; second: { sha: string; number: number } }> {
  seedOrg(fake, { config: CONFIG, manifest: null });
  fake.addCollaborator(APP_REPO, "dev", "write");
  const first = await mergeImage("1.5.0");
  await healthy("staging", first.sha);
  const second = await mergeImage("1.6.0");
  await healthy("staging", second.sha);
  return { first, second };
}

function lastReply(number: number): string {
  return fake.comments(APP_REPO, number).at(-1)!.body;
}

describe("promotion and rollback", () => {
  it("a merge deploys staging; production waits until staging is healthy with that commit, then is promoted", async () => {
    seedOrg(fake, { config: CONFIG, manifest: null });
    const first = await mergeImage("1.5.0");
    expect(imageIn(STAGING)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect(imageIn(PRODUCTION)).toBeUndefined();
    const merged = fake.comments(APP_REPO, first.number).find((c) => c.body.includes("<!-- paved:plan -->"))!.body;
    expect(merged).toContain("Promotion");
    expect(merged).toContain("waits for promotion after `staging` is healthy");

    await healthy("staging", first.sha);
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");

    const second = await mergeImage("1.6.0");
    expect(imageIn(STAGING)).toBe("ghcr.io/acme/payments-api:1.6.0");
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    // A late health report about the older commit promotes nothing.
    await healthy("staging", first.sha);
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    await healthy("staging", second.sha);
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.6.0");
    const index = fake.readTree(GITOPS)[indexOf(fake, APP_REPO)]!;
    expect(index).toContain(`production:\n    commit: ${second.sha}\n    action: promote`);
  });

  it("a command shown in a code block, a quote, an HTML comment or split over lines is not run", async () => {
    const { second } = await twoReleasesPromoted();
    const gitops = fake.headSha(GITOPS, "main");
    for (const body of [
      "If 1.6.0 misbehaves, comment:\n\n```\n/paved rollback production\n```",
      "~~~text\n/paved rollback production\n~~~",
      "> /paved rollback production\n\nNot yet, let's look at the logs first.",
      "/paved rollback\nproduction",
      "Looks fine.\n<!--\n/paved rollback production\n-->",
    ]) {
      await comment(second.number, "dev", body);
    }
    expect(fake.headSha(GITOPS, "main")).toBe(gitops);
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.6.0");
    // The same command on a line of its own after a closed fence is one; the org config it is judged by is read once.
    const configReads = () => fake.callCount({ method: "GET", path: "/repos/acme/.github/contents/.github/paved.yml" });
    const readsBefore = configReads();
    await comment(second.number, "dev", "```\nan example\n```\n/paved rollback production");
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect(configReads() - readsBefore).toBe(1);
  });

  it("rollback holds the environment; promotions wait until release; redelivered and doubled commands apply once", async () => {
    const { first, second } = await twoReleasesPromoted();
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.6.0");

    const first77 = fake.addComment(APP_REPO, second.number, "/paved rollback production", "dev");
    const delivery = await say(second.number, "dev", "/paved rollback production", first77.id);
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect(lastReply(second.number)).toContain("Rolled back `production` → `" + first.sha.slice(0, 7));
    const commits = fake.repoState(GITOPS).store.ancestors(fake.headSha(GITOPS, "main")).size;
    // Redelivery, then the same command in a second comment: nothing more is written.
    await say(second.number, "dev", "/paved rollback production", first77.id, delivery);
    await comment(second.number, "dev", "/paved rollback production");
    expect(fake.repoState(GITOPS).store.ancestors(fake.headSha(GITOPS, "main")).size).toBe(commits);
    expect(lastReply(second.number)).toContain("already rolled back");

    // Held: a new merge reaches staging, its health does not reach production.
    const third = await mergeImage("1.7.0");
    await healthy("staging", third.sha);
    expect(imageIn(STAGING)).toBe("ghcr.io/acme/payments-api:1.7.0");
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");

    // A promotion by hand is the way out of the hold.
    await comment(third.number, "dev", "/paved promote production");
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.7.0");
    const head = fake.repoState(GITOPS).store.commit(fake.headSha(GITOPS, "main"))!;
    expect(head.message).toContain("Paved-Action: promote");
    expect(head.message).toContain("Paved-By: dev");
    expect(head.message).toContain(`Paved-Source-Commit: production@${third.sha}`);
  });

  it("refuses people without write access and says who may; a rollback to an invalid manifest writes nothing", async () => {
    seedOrg(fake, { config: CONFIG, manifest: null });
    fake.addCollaborator(APP_REPO, "dev", "write");
    const first = await mergeImage("1.5.0");
    const before = fake.headSha(GITOPS, "main");
    await comment(first.number, "mallory", "/paved promote production");
    expect(lastReply(first.number)).toContain("@mallory may not do this: People with write access to acme/payments may.");
    expect(fake.headSha(GITOPS, "main")).toBe(before);

    const bad = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", "payments-api:latest") } }, "latest");
    await comment(first.number, "dev", `/paved rollback staging ${bad}`);
    expect(lastReply(first.number)).toContain("does not validate under today's org config");
    expect(fake.headSha(GITOPS, "main")).toBe(before);
  });

  it("a promotion by command into a gated environment (mode: pull-request) arrives as its GitOps pull request, not on the branch", async () => {
    const gated = CONFIG_WITHOUT_APPROVAL.replace("  production:\n", "  production:\n    promote: manual\n    mode: pull-request\n");
    seedOrg(fake, { config: gated, manifest: null });
    fake.addCollaborator(APP_REPO, "dev", "write");
    const first = await mergeImage("1.5.0");
    expect(imageIn(STAGING)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect([...fake.repoState(GITOPS).pulls.values()]).toHaveLength(0); // manual: the merge proposes nothing for production

    await comment(first.number, "dev", "/paved promote production");
    expect(imageIn(PRODUCTION)).toBeUndefined();
    const pulls = [...fake.repoState(GITOPS).pulls.values()];
    expect(pulls).toHaveLength(1);
    const proposed = fake.readTree(GITOPS, pulls[0]!.head.ref);
    expect(/image: "?([^"\n]+)"?/.exec(proposed[PRODUCTION] ?? "")?.[1]).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect(lastReply(first.number)).toContain("`production` waits for review in the GitOps repository");
  });

  it("a command racing a merge: both land, and what production runs is what the index records", async () => {
    const manual = CONFIG_WITHOUT_APPROVAL.replace("  production:\n", "  production:\n    promote: manual\n");
    seedOrg(fake, { config: manual, manifest: null });
    fake.addCollaborator(APP_REPO, "dev", "write");
    const first = await mergeImage("1.5.0");
    // The command and the next merge arrive together; each re-plans against the GitOps tree it loses to.
    const next = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", "payments-api:1.6.0") }, { branch: "bump-1.6.0" });
    const before = fake.headSha(APP_REPO, "main");
    const merged = fake.mergePull(APP_REPO, next.number, "squash");
    const added = fake.addComment(APP_REPO, first.number, "/paved promote production", "dev");
    await Promise.all([say(first.number, "dev", "/paved promote production", added.id), deliver(probot, "push", pushPayload(fake, before, merged))]);

    expect(imageIn(STAGING)).toBe("ghcr.io/acme/payments-api:1.6.0");
    const index = fake.readTree(GITOPS)[indexOf(fake, APP_REPO)]!;
    const production = /production:\n\s+commit: "?([0-9a-f]{40})/.exec(index)?.[1];
    expect([first.sha, merged]).toContain(production);
    expect(imageIn(PRODUCTION)).toBe(production === first.sha ? "ghcr.io/acme/payments-api:1.5.0" : "ghcr.io/acme/payments-api:1.6.0");
    expect(/staging:\n\s+commit: "?([0-9a-f]{40})/.exec(index)?.[1]).toBe(merged);
  });

  it("a promotion or rollback by command records a GitHub Deployment, so Argo CD can report on it and the next environment can follow", async () => {
    seedOrg(fake, { config: CONFIG, manifest: null });
    fake.addCollaborator(APP_REPO, "dev", "write");
    const first = await mergeImage("1.5.0");
    await comment(first.number, "dev", "/paved promote production");
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    const promoted = fake.deployments(APP_REPO).filter((d) => d.environment === "production");
    expect(promoted.map((d) => d.sha)).toEqual([first.sha]);
    expect(promoted[0]!.statuses.at(-1)!.state).toBe("queued");

    const second = await mergeImage("1.6.0");
    await comment(second.number, "dev", "/paved promote production");
    await comment(second.number, "dev", "/paved rollback production");
    expect(imageIn(PRODUCTION)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect(fake.deployments(APP_REPO).filter((d) => d.environment === "production").map((d) => d.sha)).toEqual([first.sha, second.sha, first.sha]);
  });

  it("the merge comment shows what each environment runs, how it got there and what before, with the history's link", async () => {
    seedOrg(fake, { config: CONFIG, manifest: null });
    const first = await mergeImage("1.5.0");
    await healthy("staging", first.sha);
    const second = await mergeImage("1.6.0");
    const body = fake.comments(APP_REPO, second.number).find((c) => c.body.includes("<!-- paved:plan -->"))!.body;
    const link = (sha: string) => `[\`${sha.slice(0, 7)}\`](https://github.com/${APP_REPO}/commit/${sha})`;
    expect(body).toContain("### 🗂️ Deployed");
    expect(body).toContain(`| \`staging\` | ${link(second.sha)} | merge | ${link(first.sha)} |`);
    expect(body).toContain(`| \`production\` | ${link(first.sha)} | promote | — |`);
    expect(body).toContain(`(https://github.com/${GITOPS}/commits/main/${indexOf(fake, APP_REPO)})`);
  });

  it("a merge that production may not take for lack of approval still records what staging runs, and the repository's id", async () => {
    const gated = EXAMPLE_CONFIG.replace("  production:\n", "  production:\n    promote: { after: staging }\n");
    seedOrg(fake, { config: gated, manifest: null });
    const first = await mergeImage("1.5.0");
    expect(imageIn(STAGING)).toBe("ghcr.io/acme/payments-api:1.5.0");
    expect(imageIn(PRODUCTION)).toBeUndefined(); // withheld: nobody approved
    const index = fake.readTree(GITOPS)[indexOf(fake, APP_REPO)]!;
    expect(index).toMatch(new RegExp(`^id: "?${fake.repoState(APP_REPO).id}"?$`, "m"));
    expect(/staging:\n\s+commit: "?([0-9a-f]{40})/.exec(index)?.[1]).toBe(first.sha);
  });
});
