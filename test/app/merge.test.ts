import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { startApp, useApp } from "../support/app-harness.js";
import {
  APP_REPO,
  CONFIG_WITHOUT_APPROVAL,
  EXAMPLE_MANIFEST,
  GITOPS,
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

function gitopsCommits(): number {
  return fake.calls.filter((c) => c.method === "PATCH" && c.path === `/repos/${GITOPS}/git/refs/heads/main` && c.status === 200).length;
}

async function merge(number: number, method: "merge" | "squash" = "squash"): Promise<{ before: string; after: string; id: string }> {
  const before = fake.headSha(APP_REPO, "main");
  const after = fake.mergePull(APP_REPO, number, method);
  const id = await deliver(probot, "push", pushPayload(fake, before, after));
  return { before, after, id };
}

describe("merging a pull request", () => {
  it("commits exactly the rendered files once, records deployments and updates the plan comment", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const planned = fake.comments(APP_REPO, pr.number).find((c) => c.body.includes(MARKER))!;
    expect(planned.body).toContain("valid");

    const { after } = await merge(pr.number);
    const tree = fake.readTree(GITOPS);
    expect(Object.keys(tree)).toEqual(
      expect.arrayContaining([
        "staging/payments-staging/api/application.yaml",
        "staging/payments-staging/api/manifests/deployment.yaml",
        "staging/payments-staging/worker/application.yaml",
        "production/payments/api/application.yaml",
        "projects/payments.yaml",
        "catalog/payments/api.yaml",
        indexOf(fake, APP_REPO),
      ]),
    );
    expect(Object.keys(tree).some((p) => p.startsWith("production/payments/worker/"))).toBe(false); // enabled: false there
    expect(tree["README.md"]).toBe("# GitOps\n");
    expect(gitopsCommits()).toBe(1);

    const head = fake.getCommit(GITOPS, "main");
    expect(head.verified).toBe(true);
    expect(head.message).toContain("acme/payments@" + after.slice(0, 7));
    expect(head.message).toContain(`(#${pr.number})`);

    const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!;
    expect(check.conclusion).not.toBe("failure");
    expect(check.output.title).toContain("applied");

    const deployments = fake.deployments(APP_REPO);
    expect(deployments.map((d) => d.environment).sort()).toEqual(["production", "staging"]);
    for (const d of deployments) {
      expect(d.autoMerge).toBe(false);
      expect(d.requiredContexts).toEqual([]);
      expect(d.sha).toBe(after);
      // Committing is not deploying: every deployment waits for Argo CD, and none is marked successful.
      expect(d.statuses.map((st) => st.state)).toEqual(["queued"]);
    }
    expect(deployments.find((d) => d.environment === "production")!.statuses[0]!.description).toBe("Waiting for a sync in Argo CD (this environment syncs manually)");
    const staging = deployments.find((d) => d.environment === "staging")!;
    expect(staging.statuses[0]!.environmentUrl).toBe("https://api.payments.example.com/");
    expect(staging.statuses[0]!.logUrl).toBe("https://argocd.acme.io/applications/argocd/payments.api.staging");

    const comments = fake.comments(APP_REPO, pr.number).filter((c) => c.body.includes(MARKER));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("applied in");
    expect(comments[0]!.body).toContain(`https://github.com/${GITOPS}/commit/${head.sha}`);
    expect(comments[0]!.body).toContain("grafana.acme.io");
  });

  it("makes no second commit, deployment or comment when the push is delivered again", async () => {
    seedOrg(fake, { manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const { before, after, id } = await merge(pr.number);
    const snapshot = { commits: gitopsCommits(), deployments: fake.deployments(APP_REPO).length, comments: fake.comments(APP_REPO, pr.number).length };
    await deliver(probot, "push", pushPayload(fake, before, after), id); // the same delivery
    await deliver(probot, "push", pushPayload(fake, before, after)); // a new delivery of a state already applied
    expect({ commits: gitopsCommits(), deployments: fake.deployments(APP_REPO).length, comments: fake.comments(APP_REPO, pr.number).length }).toEqual(snapshot);
  });

  it("never applies an invalid manifest pushed to the default branch", async () => {
    seedOrg(fake, { manifest: null });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("memory: 256Mi", "memory: 256MB") } });
    await deliver(probot, "push", pushPayload(fake, before, after, { added: ["platform.yaml"] }));
    expect(gitopsCommits()).toBe(0);
    const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!;
    expect(check.conclusion).toBe("failure");
    expect(check.annotations[0]!.message).toContain("256Mi");
  });

  it("ignores other branches, tags and pushes that do not touch the manifest", async () => {
    seedOrg(fake);
    const main = fake.headSha(APP_REPO, "main");
    const feature = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") } });
    await deliver(probot, "push", pushPayload(fake, main, feature, { modified: ["platform.yaml"] }, "refs/heads/feature"));
    await deliver(probot, "push", pushPayload(fake, "0".repeat(40), main, { modified: ["platform.yaml"] }, "refs/tags/v1"));
    const readme = fake.commit(APP_REPO, "main", { files: { "README.md": "more\n" } });
    await deliver(probot, "push", pushPayload(fake, main, readme, { modified: ["README.md"] }));
    expect(gitopsCommits()).toBe(0);
    expect(fake.checkRuns(APP_REPO)).toHaveLength(0);
  });

  it("falls back to comparing the manifest when the payload's file lists are truncated", async () => {
    seedOrg(fake, { manifest: null });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST } });
    const payload = pushPayload(fake, before, after, {});
    payload.commits = Array.from({ length: 20 }, (_, i) => ({ ...payload.commits[0], id: String(i).repeat(40).slice(0, 40), added: [], modified: [], removed: [] }));
    await deliver(probot, "push", payload);
    expect(gitopsCommits()).toBe(1);
  });

  it("deletes exactly the removed service's files, then everything of the source when the manifest goes", async () => {
    seedOrg(fake);
    fake.commit(GITOPS, "main", { files: { "staging/search-staging/api/application.yaml": "kind: Application # another team's\n" } });
    let before = fake.headSha(APP_REPO, "main");
    await deliver(probot, "push", pushPayload(fake, "1".repeat(40), before, { added: ["platform.yaml"] }));
    const applied = Object.keys(fake.readTree(GITOPS));

    const withoutWorker = EXAMPLE_MANIFEST.replace(/  worker:\n    image: .*\n    command: .*\n/, "").replace("      worker: { enabled: false }\n", "");
    let after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": withoutWorker } });
    await deliver(probot, "push", pushPayload(fake, before, after));
    const remaining = Object.keys(fake.readTree(GITOPS));
    const gone = applied.filter((p) => !remaining.includes(p));
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.every((p) => p.includes("/worker/") || p.endsWith("catalog/payments/worker.yaml"))).toBe(true);

    before = after;
    after = fake.commit(APP_REPO, "main", { delete: ["platform.yaml"] });
    await deliver(probot, "push", pushPayload(fake, before, after, { removed: ["platform.yaml"] }));
    const left = Object.keys(fake.readTree(GITOPS)).sort();
    expect(left).toEqual(["README.md", "argocd/argocd-notifications-cm.yaml", "projects/payments.yaml", "staging/search-staging/api/application.yaml"]);
  });

  it("loses no update when two sources merge while a third writer sneaks in", async () => {
    seedOrg(fake);
    fake.addRepo("acme/search", {
      files: { "platform.yaml": EXAMPLE_MANIFEST.replace("owner: payments", "owner: search").replace(/api\.payments\.example\.com/g, "api.search.example.com").replace("host: api.example.com", "host: search.example.com").replace("payments/stripe", "search/stripe") },
    });
    fake.grantTeam("acme/search", "search", "maintain");
    let sneaks = 0;
    fake.beforeRefUpdate(
      GITOPS,
      () => {
        sneaks += 1;
        fake.commit(GITOPS, "main", { files: { [`hand-written-${sneaks}.txt`]: "by a person\n" } });
      },
      { times: 2 },
    );
    const search = pushPayload(fake, "1".repeat(40), fake.headSha("acme/search", "main"), { added: ["platform.yaml"] }, "refs/heads/main", "acme/search");
    await Promise.all([
      deliver(probot, "push", pushPayload(fake, "1".repeat(40), fake.headSha(APP_REPO, "main"), { added: ["platform.yaml"] })),
      deliver(probot, "push", search),
    ]);
    const tree = fake.readTree(GITOPS);
    expect(tree["hand-written-1.txt"]).toBeDefined();
    expect(tree["hand-written-2.txt"]).toBeDefined();
    expect(tree[indexOf(fake, APP_REPO)]).toBeDefined();
    expect(tree[indexOf(fake, "acme/search")]).toBeDefined();
    expect(tree["production/payments/api/application.yaml"]).toBeDefined();
    expect(tree["production/search/api/application.yaml"]).toBeDefined();
    const rejected = fake.calls.filter((c) => c.method === "PATCH" && c.path.endsWith("/git/refs/heads/main") && c.status === 422).length;
    expect(rejected).toBeGreaterThanOrEqual(2);
  });

  it("gives up loudly, without overwriting, when the branch keeps moving", async () => {
    seedOrg(fake);
    fake.beforeRefUpdate(GITOPS, () => void fake.commit(GITOPS, "main", { files: { "busy.txt": String(Math.random()) } }), { times: 100 });
    const after = fake.headSha(APP_REPO, "main");
    await deliver(probot, "push", pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }));
    const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!;
    expect(check.status).toBe("completed");
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("kept moving");
    expect(fake.readTree(GITOPS)[indexOf(fake, APP_REPO)]).toBeUndefined();
  });
});

describe("an environment gated by review (mode: pull-request)", () => {
  it("puts its changes in one GitOps pull request, updated in place, and commits the rest directly", async () => {
    const gatedConfig = CONFIG_WITHOUT_APPROVAL.replace("    autoSync: false\n", "    autoSync: false\n    mode: pull-request\n");
    expect(gatedConfig).toContain("mode: pull-request");
    seedOrg(fake, { config: gatedConfig, manifest: null });
    const first = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    await merge(first.number);

    const main = Object.keys(fake.readTree(GITOPS));
    expect(main).toContain("staging/payments-staging/api/application.yaml");
    expect(main.some((p) => p.startsWith("production/"))).toBe(false);
    const branch = "paved/acme/payments/production";
    const proposed = Object.keys(fake.readTree(GITOPS, branch));
    expect(proposed).toContain("production/payments/api/application.yaml");
    expect(proposed).toContain("staging/payments-staging/api/application.yaml");
    const pulls = [...fake.repoState(GITOPS).pulls.values()];
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.head.ref).toBe(branch);
    expect(fake.deployments(APP_REPO).map((d) => d.environment)).toEqual(["staging"]);
    const comment = fake.comments(APP_REPO, first.number).find((c) => c.body.includes(MARKER))!;
    expect(comment.body).toContain("Waiting for review");

    const second = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") }, { branch: "scale" });
    await merge(second.number);
    const again = [...fake.repoState(GITOPS).pulls.values()];
    expect(again).toHaveLength(1);
    expect(fake.readTree(GITOPS, branch)[indexOf(fake, APP_REPO)]).toBeDefined();
    expect(fake.readTree(GITOPS, branch)["production/payments/api/manifests/deployment.yaml"]).toBeDefined();
  });
});

describe("GitHub failing", () => {
  it("retries a 502 where it is safe and still commits once", async () => {
    probot = await startApp({ retries: 2 });
    seedOrg(fake);
    fake.failNext({ method: "POST", pathMatch: /\/git\/trees$/, status: 502, times: 1 });
    fake.failNext({ method: "GET", pathMatch: /\/git\/ref\//, status: 502, times: 1 });
    const after = fake.headSha(APP_REPO, "main");
    await deliver(probot, "push", pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }));
    expect(gitopsCommits()).toBe(1);
    expect(fake.readTree(GITOPS)[indexOf(fake, APP_REPO)]).toBeDefined();
  });

  it("fails the check with the reason on a secondary rate limit, leaving nothing half-written", async () => {
    seedOrg(fake);
    fake.failNext({ method: "POST", pathMatch: /\/git\/commits$/, status: 403, times: 5, body: { message: "You have exceeded a secondary rate limit" }, headers: { "retry-after": "1" } });
    const after = fake.headSha(APP_REPO, "main");
    await expect(deliver(probot, "push", pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }))).rejects.toThrow();
    const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!;
    expect(check.status).toBe("completed");
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("secondary rate limit");
    expect(Object.keys(fake.readTree(GITOPS))).toEqual(["README.md"]);
  });

  it("reports a GitOps repository that does not exist", async () => {
    seedOrg(fake, { config: (await import("../support/app-world.js")).CONFIG_WITHOUT_APPROVAL.replace("acme/gitops", "acme/missing") });
    const after = fake.headSha(APP_REPO, "main");
    await expect(deliver(probot, "push", pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }))).rejects.toThrow();
    const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("acme/missing");
  });
});
