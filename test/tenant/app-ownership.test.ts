/**
 * Tenant isolation in the App against the fake GitHub: ownership follows the repository's id across
 * renames, is not inherited by a repository that takes an old name, and name-keyed indexes written
 * before ids migrate on the next apply.
 */
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { desiredState } from "../../src/flows/pipeline.js";
import { defaultTemplates } from "../../src/render/index.js";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, CONFIG_WITHOUT_APPROVAL, EXAMPLE_MANIFEST, GITOPS, deliver, indexOf, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

/** A push of the repository's main branch as it is now, as a merge would deliver it. */
async function applyHead(repo: string): Promise<void> {
  await deliver(probot, "push", pushPayload(fake, "1".repeat(40), fake.headSha(repo, "main"), { added: ["platform.yaml"] }, "refs/heads/main", repo));
}

function pavedCheck(repo: string) {
  return fake.checkRuns(repo, { headSha: fake.headSha(repo, "main"), name: "Paved" })[0]!;
}

const UNIT = "production/payments/api/manifests/deployment.yaml";

describe("ownership follows the repository, not its name", () => {
  it("a renamed repository keeps its services and can change and remove them", async () => {
    seedOrg(fake);
    await applyHead(APP_REPO);
    const id = fake.repoState(APP_REPO).id;
    expect(fake.readTree(GITOPS)[indexOf(fake, APP_REPO)]).toContain(`id: "${id}"`);
    expect(fake.readTree(GITOPS)[UNIT]).toMatch(new RegExp(`^# Rendered by Paved for acme/payments \\(repository id ${id}\\)`));

    fake.renameRepo(APP_REPO, "acme/billing");
    fake.commit("acme/billing", "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("payments-api:1.4.2", "payments-api:1.4.3").replace(/\n  worker:\n(?:    .*\n)+/, "\n").replace(/\n +worker: \{ enabled: false \}/, "") } });
    await applyHead("acme/billing");

    expect(pavedCheck("acme/billing").conclusion).not.toBe("failure");
    const tree = fake.readTree(GITOPS);
    expect(tree[indexOf(fake, "acme/billing")]).toContain("source: acme/billing");
    expect(tree[UNIT]).toContain('"paved.dev/source": "acme/billing"');
    expect(tree[UNIT]).toContain("payments-api:1.4.3");
    // The removed service went with the rename: the index still knew it was this repository's.
    expect(Object.keys(tree).filter((p) => p.includes("/worker/"))).toEqual([]);
    expect(Object.keys(tree).filter((p) => p.startsWith(".paved/sources/"))).toEqual([indexOf(fake, "acme/billing")]);
    // Its ingress claims stay its own: rewritten under the new name, the same repository id.
    const claims = Object.keys(tree).filter((p) => p.startsWith(".paved/ingress/"));
    expect(claims).toHaveLength(2);
    for (const claim of claims) expect(tree[claim]).toMatch(new RegExp(`^# Rendered by Paved for acme/billing \\(repository id ${id}\\)`));
  });

  it("a new repository that takes the old name gets a conflict naming the owner, and the GitOps tree keeps the owner's files", async () => {
    seedOrg(fake);
    await applyHead(APP_REPO);
    const ownerId = fake.repoState(APP_REPO).id;
    fake.renameRepo(APP_REPO, "acme/payments-legacy");
    const before = fake.readTree(GITOPS);

    // Someone creates a repository under the freed name, with the same manifest.
    fake.addRepo(APP_REPO, { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 9") } });
    fake.grantTeam(APP_REPO, "payments", "write"); // `owner` is verified: the team may write to the new repository
    expect(fake.repoState(APP_REPO).id).not.toBe(ownerId);
    await applyHead(APP_REPO);

    const check = pavedCheck(APP_REPO);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("ownership-conflict");
    expect(check.output.summary).toContain(`acme/payments (repository id ${ownerId})`);
    expect(check.output.summary).toContain("does not inherit");
    expect(fake.readTree(GITOPS)).toEqual(before);
  });

  it("migrates a name-keyed index written before ids: same files, the index moves to the id", async () => {
    seedOrg(fake);
    // What an older Paved wrote: the index under the name, files without the first line.
    const config = loadConfig(CONFIG_WITHOUT_APPROVAL, ".github/paved.yml").config!;
    const old = desiredState(EXAMPLE_MANIFEST, "platform.yaml", config, { repository: APP_REPO }, defaultTemplates());
    const files = Object.fromEntries([...old.rendered.files].map(([path, text]) => [path, text.replace(/^# Rendered by Paved.*\n/, "")]));
    fake.commit(GITOPS, "main", { files: { ...files, [old.index!.path]: old.index!.content } });
    expect(old.index!.path).toBe(".paved/sources/acme/payments.yaml");

    await applyHead(APP_REPO);
    expect(pavedCheck(APP_REPO).conclusion).not.toBe("failure");
    const tree = fake.readTree(GITOPS);
    expect(tree[".paved/sources/acme/payments.yaml"]).toBeUndefined();
    expect(tree[indexOf(fake, APP_REPO)]).toContain("source: acme/payments");
    // The ingress claims (newer than that Paved) are created beside them.
    expect(Object.keys(tree).sort()).toEqual([...Object.keys(files), ...old.rendered.claims!.keys(), indexOf(fake, APP_REPO), "README.md"].sort());
  });

  it("a name-keyed index of another repository id is not adopted", async () => {
    seedOrg(fake);
    const config = loadConfig(CONFIG_WITHOUT_APPROVAL, ".github/paved.yml").config!;
    const other = desiredState(EXAMPLE_MANIFEST, "platform.yaml", config, { repository: APP_REPO, id: "999" }, defaultTemplates());
    // A hand-placed index under the name that says it belongs to repository 999.
    fake.commit(GITOPS, "main", { files: { ...Object.fromEntries(other.rendered.files), ".paved/sources/acme/payments.yaml": other.index!.content } });
    await applyHead(APP_REPO);
    const check = pavedCheck(APP_REPO);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("acme/payments (repository id 999)");
    expect(fake.readTree(GITOPS)[".paved/sources/acme/payments.yaml"]).toBe(other.index!.content);
  });
});

describe("shared and listed files say whose they are", () => {
  const SEARCH = "acme/search";
  const searchManifest = EXAMPLE_MANIFEST.replace("owner: payments", "owner: search").replace("payments/stripe", "search/stripe")
    .replace(/api\.payments\.example\.com/g, "api.search.example.com")
    .replace("host: api.example.com", "host: search.example.com");

  it("never replaces a hand-written projects/<owner>.yaml", async () => {
    seedOrg(fake);
    const handWritten = "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: { name: payments, namespace: argocd }\nspec:\n  destinations: [{ server: '*', namespace: '*' }]\n";
    fake.commit(GITOPS, "main", { files: { "projects/payments.yaml": handWritten } });
    const before = fake.readTree(GITOPS);
    await applyHead(APP_REPO);
    const check = pavedCheck(APP_REPO);
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("projects/payments.yaml in the GitOps repository was not rendered by Paved");
    expect(fake.readTree(GITOPS)).toEqual(before);
  });

  it("rewrites a project another repository of the team rendered", async () => {
    seedOrg(fake);
    fake.addRepo("acme/payments-jobs", { files: { "platform.yaml": "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  jobs:\n    image: ghcr.io/acme/payments-jobs:1.0.0\n    replicas: 2\n" } });
    fake.grantTeam("acme/payments-jobs", "payments", "write");
    await applyHead(APP_REPO);
    // The org config changes what every project allows; the second repository of the team renders it anew.
    const before = fake.readTree(GITOPS)["projects/payments.yaml"]!;
    expect(before).toMatch(/^# Rendered by Paved for team payments,/);
    fake.commit(GITOPS, "main", { files: { "projects/payments.yaml": before.replace("Services of team payments", "Older description") } });
    await applyHead("acme/payments-jobs");
    expect(pavedCheck("acme/payments-jobs").conclusion).not.toBe("failure");
    expect(fake.readTree(GITOPS)["projects/payments.yaml"]).toBe(before);
  });

  it("a hand-edited ownership index cannot make Paved delete another source's files", async () => {
    seedOrg(fake);
    fake.addRepo(SEARCH, { files: { "platform.yaml": searchManifest } });
    fake.grantTeam(SEARCH, "search", "write");
    await applyHead(APP_REPO);
    await applyHead(SEARCH);
    const searchFile = "production/search/api/manifests/deployment.yaml";
    expect(fake.readTree(GITOPS)[searchFile]).toBeDefined();

    // Someone with write access lists search's files in payments' index.
    const index = indexOf(fake, APP_REPO);
    const edited = fake.readTree(GITOPS)[index]!.replace("catalog:\n", `catalog:\n  - ${searchFile}\n  - catalog/search/api.yaml\n`);
    fake.commit(GITOPS, "main", { files: { [index]: edited } });

    // payments removes its manifest: exactly its own files go.
    const after = fake.commit(APP_REPO, "main", { delete: ["platform.yaml"] });
    await deliver(probot, "push", pushPayload(fake, "1".repeat(40), after, { removed: ["platform.yaml"] }));
    const tree = fake.readTree(GITOPS);
    expect(tree[searchFile]).toBeDefined();
    expect(tree["catalog/search/api.yaml"]).toBeDefined();
    expect(Object.keys(tree).filter((p) => p.includes("/payments/") || p.startsWith("staging/payments-staging/"))).toEqual([]);
    expect(tree[index]).toBeUndefined();
    const check = pavedCheck(APP_REPO);
    expect(`${check.output.summary}\n${check.output.text}`).toContain(`${searchFile} is listed in this repository's ownership index`);
  });
});
