import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { GITOPS, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { generatedManifest } from "../support/generated-manifest.js";
import { ORG_REPO, RENAMED_PORT_TEMPLATE, addSource, pushOrgSettings, stricterConfig } from "../support/org-world.js";

/**
 * A fleet re-render's GitHub API calls may grow with the number of sources, never with the number of
 * files (the installation token exchange aside): the template change below rewrites one file per unit.
 */
let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

async function rerender(sources: number, services: number): Promise<{ calls: number; changed: number }> {
  seedOrg(fake, { manifest: null });
  // Each team its own hosts: an ingress host is one source's.
  for (let i = 0; i < sources; i++) await addSource(probot, fake, `acme/team-${i}`, generatedManifest(services, { owner: `team-${i}` }).replaceAll(".example.com", `.team-${i}.example.com`));
  expect(Object.keys(fake.readTree(GITOPS)).filter((p) => p.startsWith(".paved/sources/"))).toHaveLength(sources);
  const deployed = fake.readTree(GITOPS);
  const from = fake.calls.length;
  // Only the template changes (every image stays allowed).
  await pushOrgSettings(probot, fake, {
    ".github/paved.yml": stricterConfig().replace("registries: [ghcr.io/acme/payments-api, ghcr.io/acme/payments-worker]", "registries: [ghcr.io/acme/]"),
    ".github/paved-templates/service.yaml.hbs": RENAMED_PORT_TEMPLATE,
  });
  const calls = fake.calls.slice(from).filter((c) => !c.path.endsWith("/access_tokens")).length;
  const staging = fake.readTree(GITOPS, "paved/fleet/staging");
  const changed = Object.keys(staging).filter((p) => staging[p] !== deployed[p]).length;
  expect(fake.checkRuns(ORG_REPO)[0]!.conclusion).toBe("success");
  return { calls, changed };
}

describe("API calls of a fleet re-render", () => {
  it("stay the same for 2 and for 40 services per source, and grow by a few per source", async () => {
    const small = await rerender(2, 2);
    fake.reset();
    fake.install();
    const large = await rerender(2, 40);
    fake.reset();
    fake.install();
    const more = await rerender(4, 2);
    expect(small.changed).toBe(4);
    expect(large.changed).toBe(80);
    expect(large.calls).toBe(small.calls);
    const perSource = (more.calls - small.calls) / 2;
    expect(perSource).toBeGreaterThan(0);
    expect(perSource).toBeLessThanOrEqual(3);
    console.log(`API calls per fleet re-render: ${small.calls} (2 sources × 2 services) / ${large.calls} (2 × 40) / ${more.calls} (4 × 2): ${perSource} per source`);
  });
});
