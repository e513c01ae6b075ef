/**
 * A hostile source against the App and the fake GitHub: it tries to read another team's secrets,
 * to size its database past the catalog, and to leak or hide values; each is refused and the
 * GitOps tree is what the honest sources made it.
 */
import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApp } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_MANIFEST, GITOPS, deliver, pushPayload, seedOrg } from "../support/app-world.js";
import { FakeGitHub } from "../support/fake-github.js";

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

const SEARCH = "acme/search";
const SEARCH_MANIFEST = EXAMPLE_MANIFEST.replace("owner: payments", "owner: search")
  .replace(/api\.payments\.example\.com/g, "api.search.example.com")
  .replace("host: api.example.com", "host: search.example.com")
  .replace("payments/stripe", "search/crawler");

async function applyHead(repo: string): Promise<void> {
  await deliver(probot, "push", pushPayload(fake, "1".repeat(40), fake.headSha(repo, "main"), { added: ["platform.yaml"] }, "refs/heads/main", repo));
}

function pavedCheck(repo: string) {
  return fake.checkRuns(repo, { headSha: fake.headSha(repo, "main"), name: "Paved" })[0]!;
}

/** payments is applied; search, the attacker, then pushes `manifest`: its check fails and the tree is unchanged. */
async function refused(manifest: string): Promise<string> {
  seedOrg(fake);
  await applyHead(APP_REPO);
  fake.addRepo(SEARCH, { files: { "platform.yaml": manifest } });
  const before = fake.readTree(GITOPS);
  await applyHead(SEARCH);
  const check = pavedCheck(SEARCH);
  expect(check.conclusion).toBe("failure");
  expect(fake.readTree(GITOPS)).toEqual(before);
  return `${check.output.summary}\n${check.output.text ?? ""}`;
}

describe("catalog rules hold across teams", () => {
  it("refuses a secret key under another team's prefix", async () => {
    const report = await refused(SEARCH_MANIFEST.replace("search/crawler", "payments/stripe"));
    expect(report).toContain("secret-key-scope");
    expect(report).toContain("keys start with `search/`");
  });

  it("refuses a key that steps out of the team's prefix", async () => {
    const report = await refused(SEARCH_MANIFEST.replace("search/crawler", "search/../payments/stripe"));
    expect(report).toContain("secret-key-scope");
  });

  it("refuses params that would set the class past the allow-list", async () => {
    const report = await refused(SEARCH_MANIFEST.replace("db: { type: postgres, class: small }", "db: { type: postgres, class: small, params: { Class: xlarge } }"));
    expect(report).toContain("dependency-param-governed");
  });
});
