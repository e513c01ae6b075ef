import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sweepAll } from "../../src/app/argocd-receiver.js";
import { parsePavedCommit } from "../../src/portal/gitops-commit.js";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_MANIFEST, GITOPS, applyMain, deliver, openPull, pullRequestPayload, seedOrg } from "../support/app-world.js";
import { applicationWithStatus, webhookBody, type ArgoState } from "../support/argocd.js";
import type { DeploymentState, FakeGitHub } from "../support/fake-github.js";

/**
 * A preview's health from Argo CD (#19 item 4), end to end: the real app on loopback, a labelled pull
 * request previewed into the GitOps repository, then webhook bodies the rendered notification
 * templates make from the preview's own rendered Applications; the preview's transient Deployment
 * and its comment in the fake GitHub afterwards.
 */
const TOKEN = "argo-notifications-token";
const CONFIG = `${CONFIG_WITHOUT_APPROVAL}\npreviews:\n  from: staging\n`;
const CONFIG_MAP = "argocd/argocd-notifications-cm.yaml";
const PREVIEW_MARKER = "<!-- paved:preview -->";

let fake: FakeGitHub;
let probot: Probot;
let url: string;

beforeEach(() => {
  process.env.PAVED_ARGOCD_TOKEN = TOKEN;
  process.env.PAVED_ARGOCD_SWEEP_MINUTES = "0";
});
afterEach(() => {
  delete process.env.PAVED_ARGOCD_TOKEN;
  delete process.env.PAVED_ARGOCD_SWEEP_MINUTES;
});
useApp((app) => ({ fake, probot, url } = { ...app, url: `${app.url}/api/argocd/events` }), { http: true });

function labelled(number: number, action: string, label?: string) {
  fake.pull(APP_REPO, number).labels = ["paved:preview"];
  const payload = pullRequestPayload(fake, number, action === "synchronize" ? "synchronize" : "opened");
  payload.action = action;
  payload.pull_request.labels = [{ id: 1, node_id: "L1", url: "", name: "paved:preview", color: "ededed", default: false, description: null }];
  if (label) payload.label = { id: 99, node_id: "L99", url: "", name: label, color: "ededed", default: false, description: null };
  return payload;
}

/** The org with its environments applied once (which renders the notifications ConfigMap), then a labelled PR. */
async function previewed(branch = "feature", replicas = 3): Promise<{ pr: number; head: string; gitops: string }> {
  const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", `replicas: ${replicas}`) }, { branch });
  await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
  return { pr: pr.number, head: pr.headSha, gitops: fake.headSha(GITOPS) };
}

function applicationPath(pr: number, service: string): string {
  return `previews/payments/${fake.repoState(APP_REPO).id}-${pr}/pr-${pr}/payments-pr-${pr}/${service}/application.yaml`;
}

/** The body the shipped templates make from the preview's rendered Application, as Argo CD holds it; `edit` changes the object first. */
function body(trigger: string, pr: number, service: string, state: ArgoState, edit?: (app: Record<string, any>) => void): string {
  const tree = fake.readTree(GITOPS);
  const app = applicationWithStatus(tree, applicationPath(pr, service), state);
  edit?.(app);
  return webhookBody(tree, CONFIG_MAP, trigger, app);
}

async function send(payload: string): Promise<{ status: string; reason?: string }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: payload });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; reason?: string };
}

const running = (revision: string): ArgoState => ({ revision, phase: "Running", health: "Progressing" });
const deployed = (revision: string): ArgoState => ({ revision, phase: "Succeeded", health: "Healthy" });

function previewDeployments(pr: number): DeploymentState[] {
  return fake.deployments(APP_REPO).filter((d) => d.environment === `preview/pr-${pr}`);
}
function previewDeployment(pr: number, sha: string): DeploymentState {
  const found = previewDeployments(pr).filter((d) => d.sha === sha);
  expect(found).toHaveLength(1);
  return found[0]!;
}
const states = (d: DeploymentState) => d.statuses.map((s) => s.state);
const snapshot = () => fake.deployments(APP_REPO).map((d) => `${d.id}:${states(d).join(",")}`);
const previewComment = (pr: number) => fake.comments(APP_REPO, pr).find((c) => c.body.includes(PREVIEW_MARKER))!.body;

describe("preview health from Argo CD", () => {
  beforeEach(async () => {
    seedOrg(fake, { config: CONFIG });
    await applyMain(probot, fake);
  });

  it("takes the preview's Deployment from queued through in progress to healthy, with the Application's link, on GitHub and in the preview comment", async () => {
    const { pr, head, gitops } = await previewed();
    // The preview commit names the source commit and every Application of the preview.
    const message = fake.repoState(GITOPS).store.commit(gitops)!.message;
    expect(message).toContain(`Paved-Preview: ${APP_REPO}@${head}`);
    expect(parsePavedCommit(message)).toBeNull(); // not a deployment of the source: the portal's metrics leave it out
    expect(message).toContain(`Paved-Unit: pr-${pr}/api payments.api.pr-${pr} ${applicationPath(pr, "api").replace("/application.yaml", "")}`);
    expect(states(previewDeployment(pr, head))).toEqual(["queued"]);
    expect(previewComment(pr)).toContain(`preview ⏳ waiting for Argo CD to sync — [open in Argo CD](https://argocd.acme.io/applications/argocd/payments.api.pr-${pr})`);

    expect((await send(body("paved-on-sync-running", pr, "api", running(gitops)))).status).toBe("recorded");
    expect(states(previewDeployment(pr, head))).toEqual(["queued", "in_progress"]);
    expect(previewComment(pr)).toContain("preview 🔄 syncing");

    expect((await send(body("paved-on-deployed", pr, "api", deployed(gitops)))).status).toBe("recorded");
    expect(states(previewDeployment(pr, head))).toEqual(["queued", "in_progress", "in_progress"]); // 1 of 2 healthy
    expect((await send(body("paved-on-deployed", pr, "worker", deployed(gitops)))).status).toBe("recorded");
    const deployment = previewDeployment(pr, head);
    expect(states(deployment)).toEqual(["queued", "in_progress", "in_progress", "success"]);
    const last = deployment.statuses.at(-1)!;
    expect(last.description).toMatch(/^worker: healthy at sha256:[0-9a-f]{7} \(2 of 2 healthy\)/);
    expect(last.logUrl).toBe(`https://argocd.acme.io/applications/argocd/payments.worker.pr-${pr}`);
    expect(last.environmentUrl).toBe(`https://pr-${pr}-api.payments.example.com/`);
    expect(previewComment(pr)).toContain("preview ✅ healthy");
    expect(previewComment(pr)).toContain(`in namespace \`payments-pr-${pr}\``);
    // The environments' deployments of main heard nothing about it.
    for (const d of fake.deployments(APP_REPO).filter((d) => !d.environment.startsWith("preview/"))) expect(states(d)).toEqual(["queued"]);
  });

  it("marks the preview's Deployment failed when Argo CD reports the Application degraded, naming the resource", async () => {
    const { pr, head, gitops } = await previewed();
    await send(
      body("paved-on-health-degraded", pr, "api", {
        revision: gitops,
        phase: "Succeeded",
        health: "Degraded",
        unhealthy: [["Deployment", "api", "Degraded", 'Deployment "api" exceeded its progress deadline']],
      }),
    );
    const status = previewDeployment(pr, head).statuses.at(-1)!;
    expect(status.state).toBe("failure");
    expect(status.description).toContain("Deployment/api: Degraded");
    expect(previewComment(pr)).toMatch(/preview ❌ api: failed \(0 of 2 healthy\): health Degraded; Deployment\/api: Degraded.* — \[open in Argo CD\]/);
  });

  it("does nothing for a preview Application whose labels point at another pull request's or another team's directory", async () => {
    const mine = await previewed("feature", 3);
    const other = await previewed("other", 4);
    const gitops = fake.headSha(GITOPS);
    const before = snapshot();
    const id = String(fake.repoState(APP_REPO).id);
    const relabel = (labels: Record<string, string>) => (app: Record<string, any>) => Object.assign(app.metadata.labels, labels);

    // My Application, claiming the other pull request's preview (consistently: its number and environment).
    const asOther = relabel({ "paved.dev/preview": String(other.pr), "paved.dev/environment": `pr-${other.pr}` });
    expect((await send(body("paved-on-deployed", mine.pr, "api", deployed(gitops), asOther))).reason).toContain("nothing changed");
    // … or another team's preview of the same pull request.
    expect((await send(body("paved-on-deployed", mine.pr, "api", deployed(gitops), relabel({ "paved.dev/owner": "search" })))).status).toBe("ignored");
    // … or another repository's.
    expect((await send(body("paved-on-deployed", mine.pr, "api", deployed(gitops), relabel({ "paved.dev/preview-repository": `${id}9` })))).status).toBe("ignored");
    // Labels that disagree with each other, or a path in them, map to no directory at all.
    expect((await send(body("paved-on-deployed", mine.pr, "api", deployed(gitops), relabel({ "paved.dev/preview": String(other.pr) })))).reason).toContain("labels");
    expect((await send(body("paved-on-deployed", mine.pr, "api", deployed(gitops), relabel({ "paved.dev/preview-repository": "../../staging" })))).reason).toContain("labels");
    expect(snapshot()).toEqual(before);

    // The same event with the Application's own labels is recorded: the refusals above were the labels'.
    expect((await send(body("paved-on-deployed", mine.pr, "api", deployed(gitops)))).status).toBe("recorded");
    expect(states(previewDeployment(mine.pr, mine.head)).at(-1)).toBe("in_progress");
    expect(states(previewDeployment(other.pr, other.head))).toEqual(["queued"]);
  });

  it("a push's deployment supersedes the one before: the old one goes inactive and a late event about it moves nothing", async () => {
    const first = await previewed();
    const pushed = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", "payments-api:1.4.3") } });
    fake.pull(APP_REPO, first.pr).head.sha = pushed;
    await deliver(probot, "pull_request", labelled(first.pr, "synchronize"));
    const second = fake.headSha(GITOPS);
    expect(states(previewDeployment(first.pr, first.head)).at(-1)).toBe("inactive");
    expect(states(previewDeployment(first.pr, pushed))).toEqual(["queued"]);

    const before = snapshot();
    expect((await send(body("paved-on-deployed", first.pr, "api", deployed(first.gitops)))).status).toBe("ignored");
    expect(snapshot()).toEqual(before);

    // The worker's files did not change in the second commit; it still reports on the preview at that commit.
    await send(body("paved-on-deployed", first.pr, "api", deployed(second)));
    await send(body("paved-on-deployed", first.pr, "worker", deployed(second)));
    expect(states(previewDeployment(first.pr, pushed)).at(-1)).toBe("success");
    expect(previewDeployment(first.pr, pushed).statuses.at(-1)!.description).toContain("(2 of 2 healthy)");
    expect(states(previewDeployment(first.pr, first.head)).at(-1)).toBe("inactive");
    expect(previewComment(first.pr)).toContain(`Preview of ${pushed.slice(0, 7)}`);
  });

  it("a removed preview is not revived by a late event", async () => {
    const { pr, head, gitops } = await previewed();
    const tree = fake.readTree(GITOPS);
    const late = (revision: string) => webhookBody(tree, CONFIG_MAP, "paved-on-deployed", applicationWithStatus(tree, applicationPath(pr, "api"), deployed(revision)));
    fake.pull(APP_REPO, pr).state = "closed";
    await deliver(probot, "pull_request", labelled(pr, "closed"));
    expect(fake.readTree(GITOPS)[applicationPath(pr, "api")]).toBeUndefined();
    expect(states(previewDeployment(pr, head)).at(-1)).toBe("inactive");
    const before = snapshot();
    expect((await send(late(gitops))).status).toBe("ignored");
    // Argo CD may still report about the revision that removed it.
    expect((await send(late(fake.headSha(GITOPS)))).status).toBe("ignored");
    expect(snapshot()).toEqual(before);
    expect(previewComment(pr)).toContain("Preview removed");
  });

  it("costs one GitHub call more per Argo CD event for a preview than for an environment: its comment's line", async () => {
    const { pr, gitops } = await previewed();
    const tree = fake.readTree(GITOPS);
    const staging = (state: ArgoState) => webhookBody(tree, CONFIG_MAP, "paved-on-deployed", applicationWithStatus(tree, "staging/payments-staging/api/application.yaml", state));
    const cost = async (payload: string) => {
      const from = fake.calls.length;
      expect((await send(payload)).status).toBe("recorded");
      const calls = fake.calls.slice(from).filter((c) => !c.path.endsWith("/access_tokens") && !c.path.includes("/comments"));
      return calls.length;
    };
    // The first event of a process also sweeps; count later ones.
    await send(staging(running(gitops)));
    const environment = await cost(staging(deployed(gitops)));
    const preview = await cost(body("paved-on-deployed", pr, "api", deployed(gitops)));
    // main's deployments belong to no pull request; the preview's line reads its deployment back once.
    expect(preview).toBe(environment + 1);
    console.log(`API calls per Argo CD event: ${environment} (environment) / ${preview} (preview)`);
  });

  it("marks a preview Argo CD says nothing about in time `error`, like an auto-synced environment", async () => {
    const { pr, head } = await previewed();
    const created = Date.parse(previewDeployment(pr, head).createdAt);
    await sweepAll(probot, created + 31 * 60_000);
    const status = previewDeployment(pr, head).statuses.at(-1)!;
    expect(status.state).toBe("error");
    expect(status.description).toContain("No feedback from Argo CD within 30 minutes");
    expect(previewComment(pr)).toContain("preview ⚠️ no feedback from Argo CD");
  });
});
