import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApp } from "../support/app-harness.js";
import { APP_REPO, GITOPS, deliver, openPull, pullRequestPayload, pushPayload, seedOrg } from "../support/app-world.js";
import { FakeGitHub } from "../support/fake-github.js";
import { generatedManifest } from "../support/generated-manifest.js";

/**
 * GitHub API calls per event must not grow with the number of services or files
 * (the installation token exchange and comment pagination aside).
 */
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

function countedCalls(from: number): number {
  return fake.calls.slice(from).filter((c) => !c.path.endsWith("/access_tokens") && !c.path.endsWith("/comments")).length;
}

async function applyAndChangeAll(services: number): Promise<{ pr: number; merge: number; files: number }> {
  seedOrg(fake, { manifest: generatedManifest(services) });
  const main = fake.headSha(APP_REPO, "main");
  await deliver(probot, "push", pushPayload(fake, "1".repeat(40), main, { added: ["platform.yaml"] }));
  const files = Object.keys(fake.readTree(GITOPS)).length;

  // A pull request that changes every service in every environment.
  const pr = openPull(fake, { "platform.yaml": generatedManifest(services, { replicas: 3 }) });
  let from = fake.calls.length;
  await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
  const prCalls = countedCalls(from);

  const before = fake.headSha(APP_REPO, "main");
  const after = fake.mergePull(APP_REPO, pr.number, "squash");
  from = fake.calls.length;
  await deliver(probot, "push", pushPayload(fake, before, after));
  return { pr: prCalls, merge: countedCalls(from), files };
}

describe("API calls", () => {
  it("stay the same per pull request and per merge for 2 and for 100 services", async () => {
    const small = await applyAndChangeAll(2);
    fake.reset();
    fake.install();
    const large = await applyAndChangeAll(100);
    expect(small.files).toBeLessThan(40);
    expect(large.files).toBeGreaterThan(1000);
    // The PR plan fetches at most MAX_BLOBS_FOR_DIFFS contents for diffs; the small case needs fewer.
    expect(large.pr).toBeLessThanOrEqual(small.pr + 40);
    expect(large.merge).toBe(small.merge);
    console.log(`API calls per PR event: ${small.pr} (2 services) / ${large.pr} (100 services); per merge: ${small.merge} / ${large.merge} (${small.files} / ${large.files} GitOps files)`);
  });
});
