import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { load } from "js-yaml";
import { Octokit } from "octokit";
import { PortalFactsCache } from "../../src/flows/portal-facts.js";
import { visibleTo } from "../../src/portal/facts.js";
import { servicePageHtml } from "../../src/portal/html.js";
import { servicePage } from "../../src/portal/view.js";
import { DEFAULT_WINDOW, parseWindow, type MetricsWindow } from "../../src/metrics/window.js";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_MANIFEST, GITOPS, deliver, commentPayload, openPull, pullRequestPayload, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

const CONFIG = `${CONFIG_WITHOUT_APPROVAL}\npreviews:\n  from: staging\n  maxPerRepository: 2\n`;
const MARKER = "<!-- paved:preview -->";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

/** A pull request event sent once GitHub's labels are `labels` (one built now and delivered later is a late delivery). */
function labelled(number: number, action: string, label?: string, labels: string[] = ["paved:preview"]) {
  fake.pull(APP_REPO, number).labels = [...labels];
  const payload = pullRequestPayload(fake, number, action === "synchronize" ? "synchronize" : "opened");
  payload.action = action;
  payload.pull_request.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: "", name, color: "ededed", default: false, description: null }));
  if (label) payload.label = { id: 99, node_id: "L99", url: "", name: label, color: "ededed", default: false, description: null };
  return payload;
}

function previewFiles(number: number): string[] {
  const id = fake.repoState(APP_REPO).id;
  return Object.keys(fake.readTree(GITOPS)).filter((p) => p.startsWith(`previews/payments/${id}-${number}/`)).sort();
}

function stickyBody(number: number): string {
  return fake.comments(APP_REPO, number).find((c) => c.body.includes(MARKER))?.body ?? "";
}

describe("previews", () => {
  it("label → preview → push → update → close → removed, with a transient deployment", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3") });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));

    const id = fake.repoState(APP_REPO).id;
    const dir = `previews/payments/${id}-${pr.number}`;
    const files = previewFiles(pr.number);
    expect(files).toEqual(expect.arrayContaining([`${dir}/preview.yaml`, `${dir}/application.yaml`, `${dir}/namespace/namespace.yaml`, `${dir}/pr-${pr.number}/payments-pr-${pr.number}/api/application.yaml`]));
    const tree = fake.readTree(GITOPS);
    const record = load(tree[`${dir}/preview.yaml`]!) as Record<string, unknown>;
    expect(record).toMatchObject({ kind: "Preview", repositoryId: String(id), number: pr.number, headSha: pr.headSha, namespace: `payments-pr-${pr.number}` });
    const app = load(tree[`${dir}/pr-${pr.number}/payments-pr-${pr.number}/api/application.yaml`]!) as any;
    expect(app.metadata.name).toBe(`payments.api.pr-${pr.number}`);
    expect(app.spec.project).toBe("payments.previews");
    expect(app.spec.destination.namespace).toBe(`payments-pr-${pr.number}`);
    const project = load(tree["previews/payments/project.yaml"]!) as any;
    expect(project.spec.destinations).toEqual([{ server: "https://kubernetes.default.svc", namespace: `payments-pr-${pr.number}` }]);
    // Nothing outside previews/ was written: the environments are untouched by a pull request.
    expect(Object.keys(tree).filter((p) => !p.startsWith("previews/"))).toEqual(["README.md"]);

    const deployment = fake.deployments(APP_REPO).find((d) => d.environment === `preview/pr-${pr.number}`)!;
    expect(deployment.transientEnvironment).toBe(true);
    // Committed, not deployed: nothing says success before Argo CD does.
    expect(deployment.statuses.at(-1)!.state).toBe("queued");
    expect(stickyBody(pr.number)).toContain(`payments-pr-${pr.number}`);
    if (deployment.statuses.at(-1)!.environmentUrl) expect(stickyBody(pr.number)).toContain(deployment.statuses.at(-1)!.environmentUrl);

    // A push updates the preview in place.
    const pushed = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("LOG_LEVEL: info", "LOG_LEVEL: debug") } });
    fake.pull(APP_REPO, pr.number).head.sha = pushed;
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    const updated = load(fake.readTree(GITOPS)[`${dir}/preview.yaml`]!) as Record<string, unknown>;
    expect(updated.headSha).toBe(pushed);
    const deployment2 = fake.readTree(GITOPS)[`${dir}/pr-${pr.number}/payments-pr-${pr.number}/api/manifests/deployment.yaml`]!;
    expect(deployment2).toContain('value: "debug"');

    // Closing removes every file, the team's preview project included, and the deployment goes inactive.
    fake.pull(APP_REPO, pr.number).state = "closed";
    await deliver(probot, "pull_request", labelled(pr.number, "closed"));
    expect(Object.keys(fake.readTree(GITOPS)).filter((p) => p.startsWith("previews/"))).toEqual([]);
    for (const d of fake.deployments(APP_REPO).filter((d) => d.environment === `preview/pr-${pr.number}`)) expect(d.statuses.at(-1)!.state).toBe("inactive");
    expect(stickyBody(pr.number)).toContain("Preview removed");
  });

  it("the portal lists an open preview on its service's page, for readers of its repository only, until it closes", async () => {
    seedOrg(fake, { config: CONFIG });
    await deliver(probot, "push", pushPayload(fake, "1".repeat(40), fake.headSha(APP_REPO, "main"), { added: ["platform.yaml"] }));
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3") });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const gh = new Octokit({ auth: "x", request: { retries: 0 }, throttle: { enabled: false } });
    const facts = await new PortalFactsCache(gh, "acme", "https://github.com", 0).facts();
    expect(facts.previews).toEqual([
      expect.objectContaining({ repository: APP_REPO, team: "payments", pullRequest: pr.number, namespace: `payments-pr-${pr.number}`, headSha: pr.headSha, pullRequestUrl: `https://github.com/${APP_REPO}/pull/${pr.number}` }),
    ]);
    expect(facts.previews[0]!.services).toContain("api");
    const html = servicePageHtml(servicePage(facts, APP_REPO, "api")!, null, { window: parseWindow(DEFAULT_WINDOW, Date.now()) as MetricsWindow });
    expect(html).toContain(`<a href="https://github.com/${APP_REPO}/pull/${pr.number}">${APP_REPO}#${pr.number}</a>`);
    expect(html).toContain(`<code>payments-pr-${pr.number}</code>`);
    expect(visibleTo(facts, new Set(["acme/other"])).previews).toEqual([]);

    fake.pull(APP_REPO, pr.number).state = "closed";
    await deliver(probot, "pull_request", labelled(pr.number, "closed"));
    expect((await new PortalFactsCache(gh, "acme", "https://github.com", 0).facts()).previews).toEqual([]);
  });

  it("removing the label removes the preview", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    expect(previewFiles(pr.number).length).toBeGreaterThan(3);
    await deliver(probot, "pull_request", labelled(pr.number, "unlabeled", "paved:preview", []));
    expect(previewFiles(pr.number)).toEqual([]);
  });

  it("a fork's pull request is refused on the label, then previewed when a writer asks, pinned to that head", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addRepo("mallory/payments", { files: { "README.md": "fork\n" } });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { fork: "mallory/payments" });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    expect(previewFiles(pr.number)).toEqual([]);
    expect(stickyBody(pr.number)).toContain("fork");

    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const ask = `/paved preview ${pr.headSha}`;
    const comment = fake.addComment(APP_REPO, pr.number, ask, "maintainer");
    await deliver(probot, "issue_comment", commentPayload(fake, pr.number, { id: comment.id, body: ask, user: "maintainer" }));
    const dir = `previews/payments/${fake.repoState(APP_REPO).id}-${pr.number}`;
    const record = load(fake.readTree(GITOPS)[`${dir}/preview.yaml`]!) as Record<string, unknown>;
    expect(record.pinned).toBe(pr.headSha);

    // A later push to the fork is not rendered: it needs asking again.
    const pushed = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 9") } });
    fake.pull(APP_REPO, pr.number).head.sha = pushed;
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    expect((load(fake.readTree(GITOPS)[`${dir}/preview.yaml`]!) as Record<string, unknown>).headSha).toBe(pr.headSha);
    expect(stickyBody(pr.number)).toContain("/paved preview");
  });

  it("someone without write access cannot ask for a preview", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const comment = fake.addComment(APP_REPO, pr.number, "/paved preview", "stranger");
    await deliver(probot, "issue_comment", commentPayload(fake, pr.number, { id: comment.id, body: "/paved preview", user: "stranger" }));
    expect(previewFiles(pr.number)).toEqual([]);
  });

  it("over the maximum, the pull request is told which previews hold the slots", async () => {
    seedOrg(fake, { config: CONFIG });
    const numbers: number[] = [];
    for (const branch of ["a", "b", "c"]) {
      const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { branch });
      numbers.push(pr.number);
      await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    }
    expect(previewFiles(numbers[0]!).length).toBeGreaterThan(0);
    expect(previewFiles(numbers[1]!).length).toBeGreaterThan(0);
    expect(previewFiles(numbers[2]!)).toEqual([]);
    expect(stickyBody(numbers[2]!)).toContain(`acme/payments#${numbers[0]}, acme/payments#${numbers[1]}`);
  });
});

describe("previews over time", () => {
  /** Time passing, as the tree sees it: the preview's last push was `days` ago. */
  function backdate(number: number, days: number): void {
    const path = `previews/payments/${fake.repoState(APP_REPO).id}-${number}/preview.yaml`;
    const record = fake.readTree(GITOPS)[path]!;
    const pushedAt = new Date(Date.now() - days * 86_400_000).toISOString();
    fake.commit(GITOPS, "main", { files: { [path]: record.replace(/^pushedAt: .*$/m, `pushedAt: "${pushedAt}"`) } }, "time passes");
  }

  function recordOf(number: number): Record<string, unknown> {
    return load(fake.readTree(GITOPS)[`previews/payments/${fake.repoState(APP_REPO).id}-${number}/preview.yaml`]!) as Record<string, unknown>;
  }

  function projectNamespaces(): string[] {
    const project = fake.readTree(GITOPS)["previews/payments/project.yaml"];
    return project ? (load(project) as any).spec.destinations.map((d: { namespace: string }) => d.namespace) : [];
  }

  it("the next preview event sweeps another pull request's expired preview, but not one with the keep label", async () => {
    seedOrg(fake, { config: `${CONFIG_WITHOUT_APPROVAL}\npreviews:\n  from: staging\n  ttl: 2d\n  maxPerRepository: 5\n` });
    const expired = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { branch: "a" });
    await deliver(probot, "pull_request", labelled(expired.number, "labeled", "paved:preview"));
    const kept = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { branch: "b" });
    await deliver(probot, "pull_request", labelled(kept.number, "labeled", "paved:preview", ["paved:preview", "paved:keep"]));
    expect(recordOf(kept.number).keep).toBe(true);
    backdate(expired.number, 3);
    backdate(kept.number, 3);

    const next = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { branch: "c" });
    await deliver(probot, "pull_request", labelled(next.number, "labeled", "paved:preview"));
    expect(previewFiles(expired.number)).toEqual([]);
    expect(previewFiles(kept.number).length).toBeGreaterThan(3);
    expect(previewFiles(next.number).length).toBeGreaterThan(3);
    expect(projectNamespaces()).toEqual([`payments-pr-${kept.number}`, `payments-pr-${next.number}`].sort());
    for (const d of fake.deployments(APP_REPO).filter((d) => d.environment === `preview/pr-${expired.number}`)) expect(d.statuses.at(-1)!.state).toBe("inactive");
    expect(fake.deployments(APP_REPO).find((d) => d.environment === `preview/pr-${kept.number}`)!.statuses.at(-1)!.state).toBe("queued");
  });

  it("adding the keep label exempts a preview from the sweep; removing it makes it expire again", async () => {
    seedOrg(fake, { config: `${CONFIG_WITHOUT_APPROVAL}\npreviews:\n  from: staging\n  ttl: 2d\n  maxPerRepository: 5\n` });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { branch: "a" });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    expect(recordOf(pr.number).keep).toBe(false);
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:keep", ["paved:preview", "paved:keep"]));
    expect(recordOf(pr.number).keep).toBe(true);
    expect(stickyBody(pr.number)).toContain("kept");
    backdate(pr.number, 3);

    const other = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { branch: "b" });
    await deliver(probot, "pull_request", labelled(other.number, "labeled", "paved:preview"));
    expect(previewFiles(pr.number).length).toBeGreaterThan(3);

    await deliver(probot, "pull_request", labelled(pr.number, "unlabeled", "paved:keep", ["paved:preview"]));
    expect(recordOf(pr.number).keep).toBe(false);
    backdate(pr.number, 3);
    await deliver(probot, "pull_request", labelled(other.number, "synchronize"));
    expect(previewFiles(pr.number)).toEqual([]);
    expect(previewFiles(other.number).length).toBeGreaterThan(3);
  });

  it("the keep label is recorded even when the preview cannot be re-rendered: a fork's pinned preview, or a head that no longer validates", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addRepo("mallory/payments", { files: { "README.md": "fork\n" } });
    const fork = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { fork: "mallory/payments", branch: "f" });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const body = `/paved preview ${fork.headSha}`;
    const ask = fake.addComment(APP_REPO, fork.number, body, "maintainer");
    await deliver(probot, "issue_comment", commentPayload(fake, fork.number, { id: ask.id, body, user: "maintainer" }));
    const forkFiles = Object.fromEntries(previewFiles(fork.number).filter((p) => !p.endsWith("/preview.yaml")).map((p) => [p, fake.readTree(GITOPS)[p]]));
    await deliver(probot, "pull_request", labelled(fork.number, "labeled", "paved:keep", ["paved:preview", "paved:keep"]));
    expect(recordOf(fork.number)).toMatchObject({ keep: true, pinned: fork.headSha, headSha: fork.headSha });
    expect(Object.fromEntries(previewFiles(fork.number).filter((p) => !p.endsWith("/preview.yaml")).map((p) => [p, fake.readTree(GITOPS)[p]]))).toEqual(forkFiles);

    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { branch: "g" });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const broken = fake.commit(APP_REPO, "g", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: many") } });
    fake.pull(APP_REPO, pr.number).head.sha = broken;
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:keep", ["paved:preview", "paved:keep"]));
    expect(recordOf(pr.number)).toMatchObject({ keep: true, headSha: pr.headSha });
    expect(stickyBody(pr.number)).toContain(`The preview still runs ${pr.headSha.slice(0, 7)}`);
  });

  it("a push that no longer validates keeps the previous preview, and the comment says so and lists the errors", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const before = Object.fromEntries(previewFiles(pr.number).map((p) => [p, fake.readTree(GITOPS)[p]]));

    const broken = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: many") } });
    fake.pull(APP_REPO, pr.number).head.sha = broken;
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    expect(Object.fromEntries(previewFiles(pr.number).map((p) => [p, fake.readTree(GITOPS)[p]]))).toEqual(before);
    const body = stickyBody(pr.number);
    expect(body).toContain(`The preview still runs ${pr.headSha.slice(0, 7)}`);
    expect(body).toContain(`${broken.slice(0, 7)} is not previewed`);
    expect(body).toMatch(/`platform\.yaml:\d+:\d+`/);
    expect(body).toContain("replicas");

    // The next push that validates updates the preview and the comment.
    const fixed = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 4") } });
    fake.pull(APP_REPO, pr.number).head.sha = fixed;
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    expect(recordOf(pr.number).headSha).toBe(fixed);
    expect(stickyBody(pr.number)).not.toContain("still runs");
  });
});


describe("previews and late deliveries", () => {
  const dirOf = (number: number) => `previews/payments/${fake.repoState(APP_REPO).id}-${number}`;
  const recordOf = (number: number) => load(fake.readTree(GITOPS)[`${dirOf(number)}/preview.yaml`]!) as Record<string, unknown>;
  const renderedApi = (number: number) => fake.readTree(GITOPS)[`${dirOf(number)}/pr-${number}/payments-pr-${number}/api/manifests/deployment.yaml`]!;
  const previewDeploymentsAt = (sha: string) => fake.deployments(APP_REPO).filter((d) => d.environment.startsWith("preview/") && d.sha === sha);

  /** A push to the pull request's branch: GitHub's pull request moves to it. */
  function push(number: number, manifest: string): string {
    const sha = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": manifest } });
    fake.pull(APP_REPO, number).head.sha = sha;
    return sha;
  }

  it("pushes in order update the preview; a late delivery for the older head, after the newer one's preview, changes nothing", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const lateSynchronize = labelled(pr.number, "synchronize");
    const lateLabel = labelled(pr.number, "labeled", "paved:preview");
    const lateKeep = labelled(pr.number, "labeled", "paved:keep", ["paved:preview", "paved:keep"]);
    expect(recordOf(pr.number).headSha).toBe(pr.headSha);

    const b = push(pr.number, EXAMPLE_MANIFEST.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    expect(recordOf(pr.number).headSha).toBe(b);
    expect(renderedApi(pr.number)).toContain('value: "debug"');
    const deploymentsAtA = previewDeploymentsAt(pr.headSha).length;

    // Redelivered after an outage: the same pull request, its old head A.
    for (const late of [lateSynchronize, lateLabel, lateKeep]) await deliver(probot, "pull_request", late);
    expect(recordOf(pr.number)).toMatchObject({ headSha: b, keep: false });
    expect(renderedApi(pr.number)).toContain('value: "debug"');
    expect(previewDeploymentsAt(pr.headSha)).toHaveLength(deploymentsAtA);
    expect(stickyBody(pr.number)).toContain(`Preview of ${b.slice(0, 7)}`);
  });

  it("a job for the older head that checked before the push cannot commit over the newer head's preview", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const a = push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3"));
    let b = "";
    // Right before A's commit lands, B is pushed and its whole job runs: A's commit then finds the branch moved.
    fake.beforeRefUpdate(
      GITOPS,
      async () => {
        b = push(pr.number, EXAMPLE_MANIFEST.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));
        await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
      },
      { times: 1 },
    );
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    expect(b).not.toBe("");
    expect(recordOf(pr.number).headSha).toBe(b);
    expect(renderedApi(pr.number)).toContain('value: "debug"');
    expect(previewDeploymentsAt(a)).toEqual([]);
    expect(stickyBody(pr.number)).toContain(`Preview of ${b.slice(0, 7)}`);
  });

  it("a newer head's whole job between the older head's commit and its deployment: the newer deployment and comment stand", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const a = push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3"));
    let b = "";
    // A's preview is committed (A was the head); before its Deployment is created, B is pushed and B's job runs to the end.
    fake.beforeRequest({ method: "POST", pathMatch: /\/deployments$/ }, async () => {
      b = push(pr.number, EXAMPLE_MANIFEST.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));
      await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    });
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    expect(b).not.toBe("");
    expect(recordOf(pr.number).headSha).toBe(b);
    const latest = (sha: string) => previewDeploymentsAt(sha).map((d) => d.statuses.at(-1)?.state);
    expect(latest(b)).toEqual(["queued"]);
    expect(latest(a)).toEqual(["inactive"]);
    expect(stickyBody(pr.number)).toContain(`Preview of ${b.slice(0, 7)}`);
  });

  it("the newer head's job, which read the tree before the older head's commit landed, still writes its preview over it", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const a = push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3"));
    let b = "";
    let newer: Promise<string> | undefined;
    let olderCommitted!: () => void;
    const olderDone = new Promise<void>((resolve) => (olderCommitted = resolve));
    // A's job has confirmed head A; B is pushed and B's job runs up to its commit, which waits until A's has landed.
    fake.beforeRefUpdate(
      GITOPS,
      () =>
        new Promise<void>((newerAtCommit) => {
          b = push(pr.number, EXAMPLE_MANIFEST.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));
          fake.beforeRefUpdate(GITOPS, () => (newerAtCommit(), olderDone), { times: 1 });
          newer = deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
        }),
      { times: 1 },
    );
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    expect(recordOf(pr.number).headSha).toBe(a);
    olderCommitted();
    await newer;
    expect(recordOf(pr.number).headSha).toBe(b);
    expect(renderedApi(pr.number)).toContain('value: "debug"');
    expect(stickyBody(pr.number)).toContain(`Preview of ${b.slice(0, 7)}`);
  });

  it("a late delivery for a head that did not render leaves the newer head's comment alone", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: many"));
    const lateBroken = labelled(pr.number, "synchronize");
    await deliver(probot, "pull_request", lateBroken);
    expect(stickyBody(pr.number)).toContain("is not previewed");
    const b = push(pr.number, EXAMPLE_MANIFEST.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize"));
    const comment = stickyBody(pr.number);
    expect(comment).toContain(`Preview of ${b.slice(0, 7)}`);

    await deliver(probot, "pull_request", lateBroken);
    expect(recordOf(pr.number).headSha).toBe(b);
    expect(stickyBody(pr.number)).toBe(comment);
  });

  it("a fork's `/paved preview` handled at A does not replace the preview a writer asked for at B meanwhile", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addRepo("mallory/payments", { files: { "README.md": "fork\n" } });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { fork: "mallory/payments" });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    /** The writer names the head they read: the pull request's at the time of asking. */
    const ask = (number: number) => {
      const body = `/paved preview ${fake.pull(APP_REPO, number).head.sha}`;
      const comment = fake.addComment(APP_REPO, number, body, "maintainer");
      return deliver(probot, "issue_comment", commentPayload(fake, number, { id: comment.id, body, user: "maintainer" }));
    };
    let b = "";
    fake.beforeRefUpdate(
      GITOPS,
      async () => {
        b = push(pr.number, EXAMPLE_MANIFEST.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"));
        await ask(pr.number);
      },
      { times: 1 },
    );
    await ask(pr.number);
    expect(recordOf(pr.number)).toMatchObject({ headSha: b, pinned: b });
    expect(renderedApi(pr.number)).toContain('value: "debug"');
    expect(previewDeploymentsAt(pr.headSha)).toEqual([]);
    expect(stickyBody(pr.number)).toContain(`Preview of ${b.slice(0, 7)} (pinned`);

    // Asked again later, at B: still B's, pinned.
    await ask(pr.number);
    expect(recordOf(pr.number)).toMatchObject({ headSha: b, pinned: b });
  });
});

describe("`/paved preview <sha>`: the writer names the commit they reviewed", () => {
  const dirOf = (number: number) => `previews/payments/${fake.repoState(APP_REPO).id}-${number}`;
  const recordOf = (number: number) => load(fake.readTree(GITOPS)[`${dirOf(number)}/preview.yaml`]!) as Record<string, unknown>;
  const short = (sha: string) => sha.slice(0, 7);

  function forkPull(): { number: number; headSha: string } {
    fake.addRepo("mallory/payments", { files: { "README.md": "fork\n" } });
    return openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { fork: "mallory/payments" });
  }

  async function ask(number: number, body: string, user = "maintainer"): Promise<void> {
    const comment = fake.addComment(APP_REPO, number, body, user);
    await deliver(probot, "issue_comment", commentPayload(fake, number, { id: comment.id, body, user }));
  }

  /** Paved's answers to preview commands: reply comments quoting the command. */
  const replies = (number: number) => fake.comments(APP_REPO, number).filter((c) => c.body.startsWith("> `/paved preview")).map((c) => c.body);

  function push(number: number, manifest: string): string {
    const sha = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": manifest } });
    fake.pull(APP_REPO, number).head.sha = sha;
    return sha;
  }

  it("a bare `/paved preview` on a fork writes nothing and answers with the command naming the head, to check first", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const pr = forkPull();
    await ask(pr.number, "/paved preview");
    expect(previewFiles(pr.number)).toEqual([]);
    expect(stickyBody(pr.number)).not.toContain("Preview of");
    const [reply, ...more] = replies(pr.number);
    expect(more).toEqual([]);
    expect(reply).toContain(`/paved preview ${pr.headSha}\n`);
    expect(reply).toContain(`The head is now \`${short(pr.headSha)}\``);
    expect(reply).toContain("fork");
    expect(reply).toContain("reviewed");
  });

  it("`/paved preview` on a closed pull request is answered, and writes nothing", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    fake.pull(APP_REPO, pr.number).state = "closed";
    await ask(pr.number, "/paved preview");
    expect(previewFiles(pr.number)).toEqual([]);
    expect(replies(pr.number)).toEqual(["> `/paved preview`\n\nNo preview: this pull request is closed.\n"]);
  });

  it("a fork's current head, named by its whole sha, is previewed and pinned to it; a later push leaves it there", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const pr = forkPull();
    await ask(pr.number, `Reviewed, looks safe.\n/paved preview ${pr.headSha}`);
    expect(recordOf(pr.number)).toMatchObject({ headSha: pr.headSha, pinned: pr.headSha });
    expect(stickyBody(pr.number)).toContain(`Preview of ${short(pr.headSha)} (pinned`);
    expect(replies(pr.number)).toEqual([]);

    const pushed = push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 9"));
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize", undefined, []));
    expect(recordOf(pr.number)).toMatchObject({ headSha: pr.headSha, pinned: pr.headSha });
    expect(stickyBody(pr.number)).toContain(`The preview stays at ${short(pr.headSha)}`);
    expect(stickyBody(pr.number)).not.toContain(short(pushed));
  });

  it("a fork's commit named after the fork pushed again is refused, naming both commits, and nothing is written", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const pr = forkPull();
    // The writer reviewed A; the fork pushed B before Paved handled the comment.
    const b = push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 9"));
    await ask(pr.number, `/paved preview ${pr.headSha}`);
    expect(previewFiles(pr.number)).toEqual([]);
    const [reply] = replies(pr.number);
    expect(reply).toContain(short(pr.headSha));
    expect(reply).toContain(short(b));
    expect(reply).toContain("not this pull request's head");
    expect(fake.deployments(APP_REPO).filter((d) => d.environment.startsWith("preview/"))).toEqual([]);

    await ask(pr.number, `/paved preview ${b}`);
    expect(recordOf(pr.number)).toMatchObject({ headSha: b, pinned: b });
  });

  it("a fork's commit named by a short sha is refused, asking for the whole one: a fork can make two commits that share a prefix", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const pr = forkPull();
    await ask(pr.number, `/paved preview ${pr.headSha.slice(0, 39)}`);
    expect(previewFiles(pr.number)).toEqual([]);
    const [reply] = replies(pr.number);
    expect(reply).toContain("whole sha");
    expect(reply).toContain(`/paved preview ${pr.headSha}\n`);
  });

  it("on a pull request from the repository itself, a named commit must be the head too, and the preview is not pinned", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const a = pr.headSha;
    const b = push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 3"));
    await ask(pr.number, `/paved preview ${short(a)}`);
    expect(previewFiles(pr.number)).toEqual([]);
    expect(replies(pr.number)[0]).toContain(`${short(a)}\` is not this pull request's head`);

    await ask(pr.number, `/paved preview ${b.slice(0, 12)}`);
    expect(recordOf(pr.number).headSha).toBe(b);
    expect(recordOf(pr.number).pinned).toBeUndefined();
    const c = push(pr.number, EXAMPLE_MANIFEST.replace("replicas: 2", "replicas: 4"));
    await deliver(probot, "pull_request", labelled(pr.number, "synchronize", undefined, []));
    expect(recordOf(pr.number).headSha).toBe(c);
  });

  it("an argument that is not one commit sha is answered with what is wrong, and nothing is written", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addCollaborator(APP_REPO, "maintainer", "write");
    const pr = forkPull();
    const head = short(pr.headSha);
    const cases: Array<[string, string]> = [
      [`/paved preview ${pr.headSha.slice(0, 6)}`, "at least 7"],
      ["/paved preview main", "not a commit sha"],
      [`/paved preview ${head.toUpperCase()}`, "lowercase"],
      [`/paved preview ${pr.headSha}0`, "longer than a commit sha"],
      [`/paved preview ${head} ${head}`, "one commit"],
      [`/paved preview ${head}\n/paved preview ${"0".repeat(7)}`, "more than one"],
    ];
    for (const [body, why] of cases) {
      await ask(pr.number, body);
      const reply = replies(pr.number).at(-1) ?? "";
      expect(reply, body).toContain(why);
      expect(reply.startsWith(`> \`${body.split("\n")[0]}\``), body).toBe(true);
    }
    expect(replies(pr.number)).toHaveLength(cases.length);
    expect(previewFiles(pr.number)).toEqual([]);

    // Someone without write access gets the refusal reaction and no answer, whatever the argument.
    await ask(pr.number, "/paved preview main", "stranger");
    expect(replies(pr.number)).toHaveLength(cases.length);
    expect(fake.comments(APP_REPO, pr.number).at(-1)!.reactions.map((r) => r.content)).toEqual(["-1"]);
    // Not the preview command at all: no answer.
    await ask(pr.number, `/paved previews ${head}`);
    expect(replies(pr.number)).toHaveLength(cases.length);
  });
});

describe("previews and late label events", () => {
  const dirOf = (number: number) => `previews/payments/${fake.repoState(APP_REPO).id}-${number}`;
  const recordOf = (number: number) => load(fake.readTree(GITOPS)[`${dirOf(number)}/preview.yaml`]!) as Record<string, unknown>;

  it("a `labeled` delivered after the `unlabeled` that followed it does not bring the preview back", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const lateLabeled = labelled(pr.number, "labeled", "paved:preview");
    await deliver(probot, "pull_request", labelled(pr.number, "unlabeled", "paved:preview", []));
    await deliver(probot, "pull_request", lateLabeled);
    expect(previewFiles(pr.number)).toEqual([]);
    expect(stickyBody(pr.number)).not.toContain("Preview of");
    expect(fake.deployments(APP_REPO).filter((d) => d.environment.startsWith("preview/"))).toEqual([]);
  });

  it("a late `labeled` on a fork's pull request, once the label is gone, does not post the fork refusal", async () => {
    seedOrg(fake, { config: CONFIG });
    fake.addRepo("mallory/payments", { files: { "README.md": "fork\n" } });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST }, { fork: "mallory/payments" });
    const lateLabeled = labelled(pr.number, "labeled", "paved:preview");
    await deliver(probot, "pull_request", labelled(pr.number, "unlabeled", "paved:preview", []));
    await deliver(probot, "pull_request", lateLabeled);
    expect(previewFiles(pr.number)).toEqual([]);
    expect(stickyBody(pr.number)).toBe("");

    // In order, the label still gets its answer.
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    expect(stickyBody(pr.number)).toContain("comes from a fork");
  });

  it("an `unlabeled` delivered after the `labeled` that followed it leaves the preview", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const lateUnlabeled = labelled(pr.number, "unlabeled", "paved:preview", []);
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const files = previewFiles(pr.number);
    const comment = stickyBody(pr.number);
    await deliver(probot, "pull_request", lateUnlabeled);
    expect(previewFiles(pr.number)).toEqual(files);
    expect(recordOf(pr.number).headSha).toBe(pr.headSha);
    expect(stickyBody(pr.number)).toBe(comment);
    expect(fake.deployments(APP_REPO).filter((d) => d.environment === `preview/pr-${pr.number}`).at(-1)!.statuses.at(-1)!.state).toBe("queued");

    // Closing still removes it: the pull request is closed, whatever its labels.
    fake.pull(APP_REPO, pr.number).state = "closed";
    await deliver(probot, "pull_request", labelled(pr.number, "closed"));
    expect(previewFiles(pr.number)).toEqual([]);
    expect(stickyBody(pr.number)).toContain("Preview removed");
  });

  it("the keep flag follows the pull request's labels now, not a late keep-label event's", async () => {
    seedOrg(fake, { config: CONFIG });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", labelled(pr.number, "labeled", "paved:preview"));
    const lateKeep = labelled(pr.number, "labeled", "paved:keep", ["paved:preview", "paved:keep"]);
    await deliver(probot, "pull_request", labelled(pr.number, "unlabeled", "paved:keep", ["paved:preview"]));
    await deliver(probot, "pull_request", lateKeep);
    expect(recordOf(pr.number).keep).toBe(false);
    expect(stickyBody(pr.number)).not.toContain("kept");
  });
});
