import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, type Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sweepAll } from "../../src/app/argocd-receiver.js";
import { startService } from "../../src/app/service.js";
import paved from "../../src/index.js";
import { TEST_PRIVATE_KEY, testProbot, useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_MANIFEST, GITOPS, applyMain, deliver, openPull, pushPayload, seedOrg } from "../support/app-world.js";
import { applicationWithStatus, webhookBody, type ArgoState } from "../support/argocd.js";
import { FakeGitHub, type DeploymentState } from "../support/fake-github.js";

/**
 * Argo CD's notifications, end to end: the real app on loopback, webhook bodies produced by the
 * notification templates Paved shipped into the GitOps repository from the Applications it rendered,
 * deployments and the PR comment in the fake GitHub afterwards.
 */
const TOKEN = "argo-notifications-token";
const CONFIG_MAP = "argocd/argocd-notifications-cm.yaml";
const STAGING_API = "staging/payments-staging/api/application.yaml";
const STAGING_WORKER = "staging/payments-staging/worker/application.yaml";
const PRODUCTION_API = "production/payments/api/application.yaml";

let fake: FakeGitHub;
let probot: Probot;
let url: string;

// Before the app loads (registered ahead of useApp), and removed once its server is closed.
beforeEach(() => {
  process.env.PAVED_ARGOCD_TOKEN = TOKEN;
  process.env.PAVED_ARGOCD_SWEEP_MINUTES = "0"; // no timer outliving the test; sweepAll is called directly
});
afterEach(() => {
  delete process.env.PAVED_ARGOCD_TOKEN;
  delete process.env.PAVED_ARGOCD_SWEEP_MINUTES;
});
useApp((app) => ({ fake, probot, url } = { ...app, url: `${app.url}/api/argocd/events` }), { http: true });

/** The org with its services applied once (unless `seed` is false: already there), then a merged PR that moves api to `version` everywhere. */
async function mergedUpgrade(version = "1.4.3", seed = true): Promise<{ pr: number; sha: string; gitops: string }> {
  if (seed) {
    seedOrg(fake);
    await applyMain(probot, fake);
  }
  const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", `payments-api:${version}`) }, { branch: `bump-${version}` });
  const before = fake.headSha(APP_REPO, "main");
  const sha = fake.mergePull(APP_REPO, pr.number, "squash");
  await deliver(probot, "push", pushPayload(fake, before, sha));
  return { pr: pr.number, sha, gitops: fake.headSha(GITOPS) };
}

function body(trigger: string, appPath: string, state: ArgoState): string {
  const tree = fake.readTree(GITOPS);
  return webhookBody(tree, CONFIG_MAP, trigger, applicationWithStatus(tree, appPath, state));
}

function post(payload: string, token: string | null = TOKEN) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: payload,
  });
}

async function send(trigger: string, appPath: string, state: ArgoState) {
  const response = await post(body(trigger, appPath, state));
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; reason?: string };
}

const running = (revision: string): ArgoState => ({ revision, phase: "Running", health: "Progressing" });
const deployed = (revision: string): ArgoState => ({ revision, phase: "Succeeded", health: "Healthy" });

function deploymentOf(sha: string, environment: string): DeploymentState {
  const found = fake.deployments(APP_REPO).filter((d) => d.sha === sha && d.environment === environment);
  expect(found).toHaveLength(1);
  return found[0]!;
}
const states = (d: DeploymentState) => d.statuses.map((s) => s.state);
const comment = (pr: number) => fake.comments(APP_REPO, pr).find((c) => c.body.includes("<!-- paved:plan -->"))!.body;

describe("Argo CD feedback", () => {
  it("takes a deployment from queued through in progress to healthy, with Argo CD's links, on GitHub and on the PR", async () => {
    const { pr, sha, gitops } = await mergedUpgrade();
    expect(states(deploymentOf(sha, "staging"))).toEqual(["queued"]);
    expect(comment(pr)).toContain("staging ⏳ waiting for Argo CD to sync — [open in Argo CD](https://argocd.acme.io/applications/argocd/payments.api.staging)");
    expect(comment(pr)).toContain("production ⏳ waiting for a sync — [open in Argo CD](https://argocd.acme.io/applications/argocd/payments.api.production)");

    expect((await send("paved-on-sync-running", STAGING_API, running(gitops))).status).toBe("recorded");
    expect(states(deploymentOf(sha, "staging"))).toEqual(["queued", "in_progress"]);
    expect(comment(pr)).toContain("staging 🔄 syncing");

    expect((await send("paved-on-deployed", STAGING_API, deployed(gitops))).status).toBe("recorded");
    const staging = deploymentOf(sha, "staging");
    expect(states(staging)).toEqual(["queued", "in_progress", "success"]);
    const last = staging.statuses.at(-1)!;
    expect(last.description).toBe("api: healthy at 1.4.3: successfully synced (all tasks run)");
    expect(last.logUrl).toBe("https://argocd.acme.io/applications/argocd/payments.api.staging");
    expect(last.environmentUrl).toBe("https://api.payments.example.com/");
    expect(comment(pr)).toContain("staging ✅ healthy at 1.4.3 · production ⏳ waiting for a sync — [open in Argo CD]");
    // Production syncs manually: nothing said about it, nothing changed.
    expect(states(deploymentOf(sha, "production"))).toEqual(["queued"]);
  });

  it("finds the GitOps repository among a multi-source Application's sources, even beside a chart on GitHub", async () => {
    const helm = CONFIG_WITHOUT_APPROVAL.replace("mode: manifests", "mode: helm").replace("repoURL: https://charts.acme.io", "repoURL: https://github.com/acme/charts.git");
    seedOrg(fake, { config: helm });
    fake.addRepo("acme/charts", { files: { "README.md": "charts\n" } });
    const sha = await applyMain(probot, fake);
    const tree = fake.readTree(GITOPS);
    const app = applicationWithStatus(tree, PRODUCTION_API, deployed(fake.headSha(GITOPS)));
    expect(app.spec.sources.map((s: { repoURL: string }) => s.repoURL)).toEqual(["https://github.com/acme/charts.git", "https://github.com/acme/gitops.git"]);
    const response = await post(webhookBody(tree, CONFIG_MAP, "paved-on-deployed", app));
    expect(((await response.json()) as { status: string }).status).toBe("recorded");
    expect(states(deploymentOf(sha, "production"))).toEqual(["queued", "success"]);
  });

  it("waits for every Application of the environment before the deployment succeeds", async () => {
    seedOrg(fake);
    const sha = await applyMain(probot, fake);
    const gitops = fake.headSha(GITOPS);
    await send("paved-on-deployed", STAGING_API, deployed(gitops));
    const staging = () => deploymentOf(sha, "staging");
    expect(states(staging())).toEqual(["queued", "in_progress"]);
    expect(staging().statuses.at(-1)!.description).toContain("api: healthy at 1.4.2 (1 of 2 healthy)");
    await send("paved-on-deployed", STAGING_WORKER, deployed(gitops));
    expect(states(staging())).toEqual(["queued", "in_progress", "success"]);
  });

  it("reaches success when two replicas record the two Applications of one deployment at the same moment", async () => {
    seedOrg(fake);
    const sha = await applyMain(probot, fake);
    const gitops = fake.headSha(GITOPS);
    const other = testProbot();
    const middleware = await createNodeMiddleware(paved, { probot: other });
    const second = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => second.listen(0, "127.0.0.1", resolve));
    const otherUrl = `http://127.0.0.1:${(second.address() as AddressInfo).port}/api/argocd/events`;
    // Both replicas read the deployment's history before either status lands.
    fake.delayNext({ method: "POST", pathMatch: /\/deployments\/\d+\/statuses$/, ms: 300, times: 2 });
    const [a, b] = await Promise.all([
      post(body("paved-on-deployed", STAGING_API, deployed(gitops))),
      fetch(otherUrl, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: body("paved-on-deployed", STAGING_WORKER, deployed(gitops)) }),
    ]);
    await new Promise((resolve) => second.close(resolve));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(states(deploymentOf(sha, "staging")).at(-1)).toBe("success");
  });

  it("counts every Paved commit up to the synced revision as deployed when Argo CD skips revisions", async () => {
    const first = await mergedUpgrade("1.4.3");
    const second = await mergedUpgrade("1.4.4", false);
    expect(first.gitops).not.toBe(second.gitops);
    // Argo CD went straight to the second revision.
    await send("paved-on-deployed", STAGING_API, deployed(second.gitops));
    expect(states(deploymentOf(first.sha, "staging")).at(-1)).toBe("success");
    expect(states(deploymentOf(second.sha, "staging")).at(-1)).toBe("success");
    // The newest is the one GitHub shows last.
    const ids = fake.deployments(APP_REPO).filter((d) => d.environment === "staging" && d.statuses.at(-1)!.state === "success");
    const newest = ids.reduce((a, b) => (Date.parse(a.statuses.at(-1)!.createdAt) > Date.parse(b.statuses.at(-1)!.createdAt) ? a : b));
    expect(newest.sha).toBe(second.sha);
    expect(deploymentOf(second.sha, "staging").statuses.at(-1)!.description).toContain("healthy at 1.4.4");
  });

  it("never moves a deployment backwards on a duplicate or late event", async () => {
    const { sha, gitops } = await mergedUpgrade();
    await send("paved-on-deployed", STAGING_API, deployed(gitops));
    const before = states(deploymentOf(sha, "staging"));
    expect((await send("paved-on-deployed", STAGING_API, deployed(gitops))).status).toBe("ignored");
    expect((await send("paved-on-sync-running", STAGING_API, running(gitops))).status).toBe("ignored");
    expect((await send("paved-on-health-degraded", STAGING_API, { revision: gitops, phase: "Succeeded", health: "Degraded" })).status).toBe("ignored");
    expect(states(deploymentOf(sha, "staging"))).toEqual(before);
    expect(before.at(-1)).toBe("success");
  });

  it("says why a sync failed, in Argo CD's words, and recovers when a retry succeeds", async () => {
    const { pr, sha, gitops } = await mergedUpgrade();
    await send("paved-on-sync-failed", STAGING_API, {
      revision: gitops,
      phase: "Failed",
      message: "one or more objects failed to apply, reason: Deployment.apps \"api\" is invalid",
      syncFailed: [["Deployment", "api", "Deployment.apps \"api\" is invalid: spec.template.spec.containers[0].image: Required value"]],
    });
    const failed = deploymentOf(sha, "staging").statuses.at(-1)!;
    expect(failed.state).toBe("failure");
    expect(failed.description).toContain("api: failed: one or more objects failed to apply");
    expect(failed.description.length).toBeLessThanOrEqual(140);
    expect(failed.logUrl).toBe("https://argocd.acme.io/applications/argocd/payments.api.staging");
    expect(comment(pr)).toMatch(/staging ❌ api: failed: one or more objects failed to apply.* — \[open in Argo CD\]/);

    await send("paved-on-deployed", STAGING_API, deployed(gitops));
    expect(states(deploymentOf(sha, "staging")).at(-1)).toBe("success");
  });

  it("names the resources that are not healthy when the Application degrades", async () => {
    const { sha, gitops } = await mergedUpgrade();
    await send("paved-on-health-degraded", STAGING_API, {
      revision: gitops,
      phase: "Succeeded",
      health: "Degraded",
      unhealthy: [["Deployment", "api", "Degraded", "Deployment \"api\" exceeded its progress deadline"]],
    });
    const status = deploymentOf(sha, "staging").statuses.at(-1)!;
    expect(status.state).toBe("failure");
    expect(status.description).toContain("Deployment/api: Degraded");
  });

  it("marks an auto-synced deployment `error` when Argo CD says nothing in time, and leaves a manual one waiting", async () => {
    const { pr, sha } = await mergedUpgrade();
    const created = Date.parse(deploymentOf(sha, "staging").createdAt);
    expect(await sweepAll(probot, created + 10 * 60_000)).toBe(0);
    // The first apply's staging deployment and the upgrade's: Argo CD said nothing about either.
    expect(await sweepAll(probot, created + 31 * 60_000)).toBe(2);
    const status = deploymentOf(sha, "staging").statuses.at(-1)!;
    expect(status.state).toBe("error");
    expect(status.description).toContain("No feedback from Argo CD within 30 minutes");
    expect(status.logUrl).toBe("https://argocd.acme.io/applications/argocd/payments.api.staging");
    expect(states(deploymentOf(sha, "production"))).toEqual(["queued"]);
    expect(comment(pr)).toContain("staging ⚠️ no feedback from Argo CD");
    // A second sweep changes nothing.
    expect(await sweepAll(probot, created + 32 * 60_000)).toBe(0);
  });

  it("refuses a forged or missing token, and everything when no token is configured, before calling GitHub", async () => {
    const { gitops } = await mergedUpgrade();
    const payload = body("paved-on-deployed", STAGING_API, deployed(gitops));
    const calls = fake.calls.length;
    expect((await post(payload, "not-the-token")).status).toBe(401);
    expect((await post(payload, null)).status).toBe(401);
    expect((await post(payload, "")).status).toBe(401);
    delete process.env.PAVED_ARGOCD_TOKEN;
    expect((await post(payload, TOKEN)).status).toBe(503);
    expect((await post(payload, "")).status).toBe(503);
    expect(fake.calls.length).toBe(calls);
  });

  it("is served by the service `npm start` runs, beside the webhook endpoint", async () => {
    const { gitops, sha } = await mergedUpgrade();
    const service = await startService({ credentials: { appId: 1, privateKey: TEST_PRIVATE_KEY, secret: "s" }, env: { PORT: "0", HOST: "127.0.0.1" }, probot: testProbot() });
    try {
      const payload = body("paved-on-deployed", STAGING_API, deployed(gitops));
      const at = `${service.url}/api/argocd/events`;
      expect((await fetch(at, { method: "POST", body: payload, headers: { authorization: "Bearer nope" } })).status).toBe(401);
      expect((await fetch(at, { method: "POST", body: payload, headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      expect(states(deploymentOf(sha, "staging")).at(-1)).toBe("success");
    } finally {
      await service.drain();
    }
  });

  it("refuses an oversized body without reading it", async () => {
    const { gitops } = await mergedUpgrade();
    const calls = fake.calls.length;
    const huge = body("paved-on-deployed", STAGING_API, deployed(gitops)).replace('"trigger"', `"padding": "${"x".repeat(300 * 1024)}", "trigger"`);
    expect((await post(huge)).status).toBe(413);
    expect(fake.calls.length).toBe(calls);
  });

  it("changes nothing for an Application Paved does not own, a repository it does not serve, or a revision GitHub does not know", async () => {
    const { sha, gitops } = await mergedUpgrade();
    const tree = fake.readTree(GITOPS);
    const snapshot = () => fake.deployments(APP_REPO).map((d) => states(d).join(","));
    const before = snapshot();

    // Another team's Application, hand-written into the same GitOps repository.
    const foreign = applicationWithStatus(tree, STAGING_API, deployed(gitops));
    foreign.metadata.name = "search.api.staging";
    expect(((await (await post(webhookBody(tree, CONFIG_MAP, "paved-on-deployed", foreign))).json()) as { status: string }).status).toBe("ignored");

    // Not labelled as Paved's.
    const unlabelled = applicationWithStatus(tree, STAGING_API, deployed(gitops));
    delete unlabelled.metadata.labels["app.kubernetes.io/managed-by"];
    expect(((await (await post(webhookBody(tree, CONFIG_MAP, "paved-on-deployed", unlabelled))).json()) as { reason: string }).reason).toContain("labels");

    // Claims to come from a repository that is not the org's GitOps repository.
    fake.addRepo("acme/elsewhere", { files: { "README.md": "x\n" } });
    const elsewhere = applicationWithStatus(tree, STAGING_API, deployed(gitops));
    elsewhere.spec.source.repoURL = "https://github.com/acme/elsewhere.git";
    expect(((await (await post(webhookBody(tree, CONFIG_MAP, "paved-on-deployed", elsewhere))).json()) as { reason: string }).reason).toContain("none of acme/elsewhere is a GitOps repository");

    // A revision that is not in the GitOps repository.
    expect((await send("paved-on-deployed", STAGING_API, deployed("f".repeat(40)))).status).toBe("ignored");
    // An event for a revision that did not touch the Application, once it is deployed, changes nothing either.
    await send("paved-on-deployed", STAGING_API, deployed(gitops));
    const deployedStates = snapshot();
    fake.commit(GITOPS, "main", { files: { "README.md": "# GitOps, edited by hand\n" } });
    expect((await send("paved-on-deployed", STAGING_API, deployed(fake.headSha(GITOPS)))).status).toBe("ignored");
    expect(snapshot()).toEqual(deployedStates);
    expect(before).not.toEqual(deployedStates);
    expect(states(deploymentOf(sha, "staging")).at(-1)).toBe("success");
  });

  it("maps a revision only through its own history: forged trailers on a side branch move nothing", async () => {
    seedOrg(fake);
    await applyMain(probot, fake);
    const before = fake.headSha(GITOPS);
    const { sha } = await mergedUpgrade("1.4.3", false);
    // Someone with push access writes a commit that claims to be the upgrade, on a branch without it.
    fake.repoState(GITOPS).refs.set("refs/heads/side", before);
    const forged = fake.commit(
      GITOPS,
      "side",
      { files: { "staging/payments-staging/api/manifests/deployment.yaml": "forged\n" } },
      `paved: acme/payments@${sha.slice(0, 7)}\n\nPaved-Source: acme/payments@${sha}\nPaved-Unit: staging/api payments.api.staging staging/payments-staging/api\n`,
    );
    await send("paved-on-deployed", STAGING_API, deployed(forged));
    expect(states(deploymentOf(sha, "staging"))).toEqual(["queued"]);
  });

  it("costs the same number of GitHub calls per Argo CD event for 2 and for 100 services", async () => {
    const { generatedManifest } = await import("../support/generated-manifest.js");
    const costs: number[] = [];
    for (const services of [2, 100]) {
      fake.reset();
      fake.install();
      seedOrg(fake, { manifest: generatedManifest(services) });
      const sha = await applyMain(probot, fake);
      const gitops = fake.headSha(GITOPS);
      const appPath = Object.keys(fake.readTree(GITOPS)).find((p) => /^staging\/[^/]+\/[^/]+\/application\.yaml$/.test(p))!;
      // The first event of a process also sweeps; count a later one.
      await send("paved-on-sync-running", appPath, running(gitops));
      const from = fake.calls.length;
      await send("paved-on-deployed", appPath, deployed(gitops));
      costs.push(fake.calls.slice(from).filter((c) => !c.path.endsWith("/access_tokens") && !c.path.endsWith("/comments")).length);
      expect(fake.deployments(APP_REPO).find((d) => d.sha === sha && d.environment === "staging")!.statuses.length).toBe(3);
    }
    expect(costs[1]).toBe(costs[0]);
    console.log(`API calls per Argo CD event: ${costs[0]} (2 services) / ${costs[1]} (100 services)`);
  });
});
