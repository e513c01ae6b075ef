/**
 * A hostile source against the App and the fake GitHub: it tries to read another team's secrets,
 * to size its database past the catalog, and to leak or hide values; each is refused and the
 * GitOps tree is what the honest sources made it.
 */
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_MANIFEST, GITOPS, deliver, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

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
  fake.grantTeam(SEARCH, "search", "write"); // the attacker's team may write to its own repository: `owner` passes
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

describe("secrets stay secret", () => {
  const TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

  it("refuses a pasted token in env, never repeating it, and writes nothing", async () => {
    const report = await refused(SEARCH_MANIFEST.replace("      LOG_LEVEL: info\n", `      LOG_LEVEL: info\n      GH: "${TOKEN}"\n`));
    expect(report).toContain("env-secret-literal");
    expect(report).toContain("`env.GH` is a literal that looks like a secret (its value has the shape of a GitHub token)");
    expect(report).not.toContain(TOKEN);
    const annotations = fake.checkRuns(SEARCH).flatMap((r) => r.annotations);
    expect(annotations.some((a) => a.title === "env-secret-literal")).toBe(true);
    expect(JSON.stringify(annotations)).not.toContain(TOKEN);
  });

  it("keeps env values out of the commit message and the ownership index", async () => {
    seedOrg(fake, { manifest: EXAMPLE_MANIFEST.replace("      LOG_LEVEL: info\n", "      LOG_LEVEL: info\n      GREETING: hello-from-payments\n") });
    await applyHead(APP_REPO);
    fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("      LOG_LEVEL: info\n", "      LOG_LEVEL: info\n      GREETING: goodbye-from-payments\n") } });
    await applyHead(APP_REPO);
    const head = fake.getCommit(GITOPS, "main");
    expect(head.message).toContain("env GREETING changed");
    expect(head.message).not.toMatch(/hello-from|goodbye-from/);
    const tree = fake.readTree(GITOPS);
    const index = Object.entries(tree).find(([path]) => path.startsWith(".paved/sources/"))![1];
    expect(index).not.toMatch(/hello-from|goodbye-from|info/);
    // The rendered file holds it, as it must.
    expect(tree["staging/payments-staging/api/manifests/deployment.yaml"]).toContain("goodbye-from-payments");
  });

  it("shows bidirectional and invisible characters in every report instead of obeying them", async () => {
    seedOrg(fake);
    await applyHead(APP_REPO);
    fake.addRepo(SEARCH, { files: { "platform.yaml": SEARCH_MANIFEST.replace("replicas: 3", "replicas: three\u202e\u200b") } });
    await applyHead(SEARCH);
    const runs = fake.checkRuns(SEARCH);
    const everything = JSON.stringify(runs.map((r) => [r.output, r.annotations]));
    expect(everything).not.toMatch(/[\u202e\u200b]/);
    expect(everything).toContain("\\\\u202e");
  });
});
