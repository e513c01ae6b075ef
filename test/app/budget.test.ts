import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_CONFIG, EXAMPLE_MANIFEST, GITOPS, deliver, openPull, pullRequestPayload, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { generatedManifest } from "../support/generated-manifest.js";

/**
 * GitHub API calls per event must not grow with the number of services or files (the installation
 * token exchange and comment listing aside): a pull-request event makes at most 7, approvals
 * evaluated; a merge at most 10 plus 2 per changed environment (BENCHMARKS.md lists each call). The
 * org config, the manifests, the head's pull requests and the reviews are one GraphQL read.
 */
let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

function countedCalls(from: number): number {
  return fake.calls.slice(from).filter((c) => !c.path.endsWith("/access_tokens") && !c.path.endsWith("/comments")).length;
}

// The issue asks for at most 10 and 10 + 2 per changed environment.
const PULL_REQUEST_BUDGET = 7;
const mergeBudget = (changedEnvironments: number) => 10 + 2 * changedEnvironments;

async function applyAndChangeAll(services: number, config?: string): Promise<{ pr: number; merge: number; files: number; blobReads: number; comment: string }> {
  seedOrg(fake, { manifest: generatedManifest(services), ...(config ? { config } : {}) });
  const main = fake.headSha(APP_REPO, "main");
  await deliver(probot, "push", pushPayload(fake, "1".repeat(40), main, { added: ["platform.yaml"] }));
  const files = Object.keys(fake.readTree(GITOPS)).length;

  // A pull request that changes every service in every environment.
  const pr = openPull(fake, { "platform.yaml": generatedManifest(services, { replicas: 3 }) });
  let from = fake.calls.length;
  await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
  const prCalls = countedCalls(from);
  const blobReads = fake.calls.slice(from).filter((c) => c.path.includes("/git/blobs/")).length;
  const comment = fake.comments(APP_REPO, pr.number).map((c) => c.body).join("\n");

  const before = fake.headSha(APP_REPO, "main");
  const after = fake.mergePull(APP_REPO, pr.number, "squash");
  from = fake.calls.length;
  await deliver(probot, "push", pushPayload(fake, before, after));
  return { pr: prCalls, merge: countedCalls(from), files, blobReads, comment };
}

describe("API calls", () => {
  it("stay the same per pull request and per merge for 2 and for 100 services", async () => {
    const small = await applyAndChangeAll(2);
    fake.reset();
    fake.install();
    const large = await applyAndChangeAll(100);
    expect(small.files).toBeLessThan(40);
    expect(large.files).toBeGreaterThan(1000);
    expect(large.pr).toBe(small.pr);
    expect(large.pr).toBeLessThanOrEqual(PULL_REQUEST_BUDGET);
    // The comment's diffs come from the base rendered here, checked against the tree's blob shas: no blob is read.
    expect([small.blobReads, large.blobReads]).toEqual([0, 0]);
    expect(large.comment).toMatch(/^-\s+replicas: 2$/m);
    expect(large.comment).toMatch(/^\+\s+replicas: 3$/m);
    expect(large.merge).toBe(small.merge);
    // The pull request changes every service in both environments of the config.
    expect(large.merge).toBeLessThanOrEqual(mergeBudget(2));
    console.log(`API calls per PR event: ${small.pr} (2 services) / ${large.pr} (100 services); per merge: ${small.merge} / ${large.merge} (${small.files} / ${large.files} GitOps files)`);
  });

  it("stay within the pull-request budget with approvals evaluated", async () => {
    const { pr, merge } = await applyAndChangeAll(2, EXAMPLE_CONFIG);
    expect(pr).toBeLessThanOrEqual(PULL_REQUEST_BUDGET);
    // Production is withheld (nobody approved), so one environment changes.
    expect(merge).toBeLessThanOrEqual(mergeBudget(1));
    console.log(`API calls per PR event with approvals evaluated: ${pr}; per merge with the approval gate: ${merge}`);
  });

  it("cost the REST reads, and still plan the same, when GitHub answers the GraphQL read with an error", async () => {
    seedOrg(fake, { manifest: generatedManifest(2) });
    await deliver(probot, "push", pushPayload(fake, "1".repeat(40), fake.headSha(APP_REPO, "main"), { added: ["platform.yaml"] }));
    const pr = openPull(fake, { "platform.yaml": generatedManifest(2, { replicas: 3 }) });
    fake.failNext({ method: "POST", pathMatch: /^\/graphql$/, status: 200, body: { data: null, errors: [{ message: "Something went wrong while executing your query." }] } });
    const from = fake.calls.length;
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
    const paths = fake.calls.slice(from).map((c) => `${c.method} ${c.path}`);
    // The org config, both manifests, the head's pull requests and the test merge's manifest over REST.
    expect(paths).toContain("GET /repos/acme/.github/contents/.github/paved.yml");
    expect(paths.filter((p) => p === "GET /repos/acme/payments/contents/platform.yaml")).toHaveLength(3);
    expect(countedCalls(from)).toBe(PULL_REQUEST_BUDGET + 5);
    expect(fake.comments(APP_REPO, pr.number).map((c) => c.body).join("\n")).toMatch(/^\+\s+replicas: 3$/m);
  });

  it("read the GitOps branch once for a merge whose production waits in a GitOps pull request", async () => {
    seedOrg(fake, { config: CONFIG_WITHOUT_APPROVAL.replace("    autoSync: false\n", "    autoSync: false\n    mode: pull-request\n"), manifest: null });
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST });
    const before = fake.headSha(APP_REPO, "main");
    const after = fake.mergePull(APP_REPO, pr.number, "squash");
    const from = fake.calls.length;
    await deliver(probot, "push", pushPayload(fake, before, after));
    const calls = fake.calls.slice(from);
    expect(Object.keys(fake.readTree(GITOPS, "paved/acme/payments/production"))).toContain("production/payments/api/application.yaml");
    // The pull request builds on the GitOps commit the merge made, known without reading the branch and its tree again.
    const reads = calls.filter((c) => c.method === "GET" && (c.path === `/repos/${GITOPS}/git/ref/heads/main` || c.path.startsWith(`/repos/${GITOPS}/git/trees/`)));
    expect(reads.map((c) => c.path.replace(/[0-9a-f]{40}/, "{sha}"))).toEqual([`/repos/${GITOPS}/git/ref/heads/main`, `/repos/${GITOPS}/git/trees/{sha}`]);
    console.log(`API calls per merge with production behind a GitOps pull request: ${countedCalls(from)}`);
  });
});
