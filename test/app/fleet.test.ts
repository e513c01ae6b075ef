import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, GITOPS, applyMain, deliver, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { ORG_REPO, RENAMED_PORT_TEMPLATE, addSource, orgPullRequestPayload, pushOrgSettings, pushTo, searchManifest, stricterConfig } from "../support/org-world.js";
import { repositoryPayload, example } from "../support/app-harness.js";

const STAGING_SERVICE = "staging/payments-staging/api/manifests/service.yaml";
const PRODUCTION_SERVICE = "production/payments/api/manifests/service.yaml";
const SEARCH_SERVICE = "staging/search-staging/web/manifests/service.yaml";
const NEW_SETTINGS = { ".github/paved.yml": stricterConfig(), ".github/paved-templates/service.yaml.hbs": RENAMED_PORT_TEMPLATE };

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

/** Two teams deployed: acme/payments (the example) and acme/search. */
async function deployedFleet(config?: string): Promise<Record<string, string>> {
  seedOrg(fake, config ? { config } : {});
  await applyMain(probot, fake);
  await addSource(probot, fake, "acme/search", searchManifest());
  const deployed = fake.readTree(GITOPS);
  expect(deployed[SEARCH_SERVICE]).toContain("name: http");
  expect(deployed[STAGING_SERVICE]).toContain("name: http");
  return deployed;
}

function openFleetPulls() {
  return [...fake.repoState(GITOPS).pulls.values()].filter((p) => p.state === "open" && p.head.ref.startsWith("paved/fleet/")).sort((a, b) => a.number - b.number);
}

describe("a change to the org config or templates", () => {
  it("re-renders every source: one GitOps pull request per environment in promotion order, the invalid source listed and left alone", async () => {
    const deployed = await deployedFleet();
    const settings = await pushOrgSettings(probot, fake, NEW_SETTINGS);

    // Nothing lands on the GitOps branch itself: the platform team merges the pull requests.
    expect(fake.readTree(GITOPS)).toEqual(deployed);
    const pulls = openFleetPulls();
    expect(pulls.map((p) => p.head.ref)).toEqual(["paved/fleet/staging", "paved/fleet/production"]);

    const staging = fake.readTree(GITOPS, "paved/fleet/staging");
    const production = fake.readTree(GITOPS, "paved/fleet/production");
    // Exactly the file the template changes, per environment; everything else as deployed.
    expect(staging).toEqual({ ...deployed, [STAGING_SERVICE]: deployed[STAGING_SERVICE]!.replace("name: http", "name: web") });
    expect(production).toEqual({ ...deployed, [PRODUCTION_SERVICE]: deployed[PRODUCTION_SERVICE]!.replace("name: http", "name: web") });
    // acme/search's image is no longer allowed: its files are left as they are, and it is listed with the reason.
    expect(staging[SEARCH_SERVICE]).toBe(deployed[SEARCH_SERVICE]);
    for (const pr of pulls) {
      expect(pr.body).toContain("acme/search");
      expect(pr.body).toContain("image-registry");
    }
    expect(pulls[0]!.body).toMatch(/\| `acme\/payments` \| `api` \| update \|/);
    expect(pulls[1]!.body).toContain("Merge after the `staging` pull request");

    const check = fake.checkRuns(ORG_REPO, { headSha: settings, name: "Paved" })[0]!;
    expect(check.status).toBe("completed");
    expect(check.conclusion).toBe("failure"); // one source no longer validates
    expect(check.output.title).toContain("2 file changes in staging, production across 1 source; 1 source was left as it is");
    expect(check.output.summary).toContain(`https://github.com/${GITOPS}/pull/${pulls[0]!.number}`);

    // A second push that changes nothing more updates the same pull requests instead of opening more.
    await pushOrgSettings(probot, fake, { ".github/paved.yml": `${stricterConfig()}# a comment\n` });
    expect(openFleetPulls().map((p) => p.number)).toEqual(pulls.map((p) => p.number));

    // Merging the staging pull request deploys it there.
    fake.mergePull(GITOPS, pulls[0]!.number);
    expect(fake.readTree(GITOPS)[STAGING_SERVICE]).toContain("name: web");
  });

  it("commits once to the GitOps branch when the config says fleet.mode: commit", async () => {
    const deployed = await deployedFleet();
    const before = fake.headSha(GITOPS);
    await pushOrgSettings(probot, fake, { ...NEW_SETTINGS, ".github/paved.yml": stricterConfig("fleet: { mode: commit }\n") });
    expect(openFleetPulls()).toEqual([]);
    const head = fake.getCommit(GITOPS, "main");
    expect(head.parents).toEqual([before]);
    expect(head.verified).toBe(true);
    expect(head.message).toContain("acme/payments staging/api: update");
    expect(fake.readTree(GITOPS)).toEqual({
      ...deployed,
      [STAGING_SERVICE]: deployed[STAGING_SERVICE]!.replace("name: http", "name: web"),
      [PRODUCTION_SERVICE]: deployed[PRODUCTION_SERVICE]!.replace("name: http", "name: web"),
    });
  });

  it("re-renders each source at the commit it was applied from, not at its default branch's newer head", async () => {
    const deployed = await deployedFleet();
    // acme/payments' main moved on with a change nobody applied yet (say, its push is still queued).
    fake.commit(APP_REPO, "main", { files: { "platform.yaml": fake.readTree(APP_REPO)["platform.yaml"]!.replace("LOG_LEVEL: info", "LOG_LEVEL: debug") } });
    await pushOrgSettings(probot, fake, NEW_SETTINGS);
    const staging = fake.readTree(GITOPS, "paved/fleet/staging");
    expect(staging["staging/payments-staging/api/manifests/deployment.yaml"]).toBe(deployed["staging/payments-staging/api/manifests/deployment.yaml"]);
  });

  it("leaves alone a source whose manifest cannot be read, rather than delete its files", async () => {
    const deployed = await deployedFleet();
    // An index written before Paved recorded the commit: the fleet falls back to the default branch, which lost its manifest.
    const index = `.paved/sources/${fake.repoState("acme/search").id}.yaml`;
    fake.commit(GITOPS, "main", { files: { [index]: deployed[index]!.replace(/^commit: .*\n/m, "") } }, "old index");
    fake.commit("acme/search", "main", { delete: ["platform.yaml"], files: { "README.md": "moved\n" } });
    const settings = await pushOrgSettings(probot, fake, { ".github/paved.yml": stricterConfig().replace("registries: [ghcr.io/acme/payments-api, ghcr.io/acme/payments-worker]", "registries: [ghcr.io/acme/]"), ".github/paved-templates/service.yaml.hbs": RENAMED_PORT_TEMPLATE });
    const staging = fake.readTree(GITOPS, "paved/fleet/staging");
    expect(staging[SEARCH_SERVICE]).toBe(deployed[SEARCH_SERVICE]);
    expect(Object.keys(staging).filter((p) => p.includes("/search"))).toEqual(Object.keys(deployed).filter((p) => p.includes("/search")));
    const check = fake.checkRuns(ORG_REPO, { headSha: settings, name: "Paved" })[0]!;
    expect(check.output.summary).toContain("`acme/search` at");
    expect(check.output.summary).toContain("the index recorded no commit");
    expect(check.output.summary).toContain("no `platform.yaml` at that commit");
  });

  it("does nothing for a push to .github that changes neither paved.yml nor its templates", async () => {
    await deployedFleet();
    const calls = fake.calls.length;
    await pushOrgSettings(probot, fake, { "README.md": "org profile\n" });
    expect(openFleetPulls()).toEqual([]);
    expect(fake.checkRuns(ORG_REPO)).toEqual([]);
    expect(fake.calls.slice(calls).filter((c) => c.path.startsWith(`/repos/${GITOPS}/`))).toEqual([]);
  });

  it("says only how much changes where on a public .github repository, never which private sources", async () => {
    await deployedFleet();
    const before = fake.headSha(ORG_REPO);
    const after = fake.commit(ORG_REPO, "main", { files: NEW_SETTINGS }, "Platform settings");
    const payload = pushTo(ORG_REPO, before, after, { modified: Object.keys(NEW_SETTINGS) });
    payload.repository.private = false;
    await deliver(probot, "push", payload);
    const check = fake.checkRuns(ORG_REPO, { headSha: after, name: "Paved" })[0]!;
    expect(check.output.summary).toContain("- staging: 1 file change across 1 source");
    expect(check.output.summary).toContain("1 source no longer valid");
    expect(check.output.summary).not.toContain("acme/search");
    expect(check.output.summary).not.toContain("search-web");
    // The GitOps pull requests (the GitOps repository holds the files anyway) keep the details.
    expect(openFleetPulls()[0]!.body).toContain("acme/search");
  });

  it("does not preview a fork's pull request to .github: its settings would run with Paved's access to every source", async () => {
    await deployedFleet();
    const head = fake.commit(ORG_REPO, "evil", { files: NEW_SETTINGS }, "Stricter registries");
    const pr = fake.addPull(ORG_REPO, { head: { ref: "evil", sha: head, repo: "mallory/.github" }, base: { ref: "main" }, user: "mallory" });
    const payload = orgPullRequestPayload(fake, pr.number, "mallory/.github");
    await deliver(probot, "pull_request", payload);
    expect(fake.checkRuns(ORG_REPO, { headSha: head, name: "Paved" })).toEqual([]);
    expect(fake.comments(ORG_REPO, pr.number)).toEqual([]);
  });

  it("previews the same fleet plan on a pull request to .github, as its check and one comment, writing nothing", async () => {
    const deployed = await deployedFleet();
    const head = fake.commit(ORG_REPO, "stricter", { files: NEW_SETTINGS }, "Stricter registries");
    const pr = fake.addPull(ORG_REPO, { head: { ref: "stricter", sha: head }, base: { ref: "main" }, user: "platform-lead" });
    const payload = orgPullRequestPayload(fake, pr.number);
    await deliver(probot, "pull_request", payload);

    const check = fake.checkRuns(ORG_REPO, { headSha: head, name: "Paved" })[0]!;
    expect(check.conclusion).toBe("failure");
    expect(check.output.title).toContain("would be left as it is");
    const comments = fake.comments(ORG_REPO, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("| `acme/payments` | `api` | update |");
    expect(comments[0]!.body).toContain("image-registry");
    // A preview: the GitOps repository is untouched, and application plans still use the default branch's config.
    expect(fake.readTree(GITOPS)).toEqual(deployed);
    expect(openFleetPulls()).toEqual([]);
  });
});

describe("Re-run on the fleet check", () => {
  it("re-renders again with the default branch's settings, and never with an older commit's", async () => {
    await deployedFleet();
    const older = await pushOrgSettings(probot, fake, NEW_SETTINGS);
    const pulls = openFleetPulls();
    expect(pulls).toHaveLength(2);
    // Someone closes the fleet pull requests by hand; the settings move on without touching the fleet.
    for (const pr of pulls) fake.repoState(GITOPS).pulls.get(pr.number)!.state = "closed";
    const current = await pushOrgSettings(probot, fake, { "README.md": "profile\n" });
    const rerun = (sha: string) => {
      const run = fake.checkRuns(ORG_REPO, { headSha: sha, name: "Paved" })[0];
      const payload = example("check_run", "rerequested");
      payload.repository = repositoryPayload(ORG_REPO);
      payload.installation = { id: 1, node_id: "I1" };
      payload.check_run = { ...payload.check_run, id: run?.id ?? 1, name: "Paved", head_sha: sha, pull_requests: [] };
      return deliver(probot, "check_run", payload);
    };
    await rerun(older); // not the default branch's head any more: nothing happens
    expect(openFleetPulls()).toEqual([]);
    await rerun(current);
    expect(openFleetPulls().map((p) => p.head.ref)).toEqual(["paved/fleet/staging", "paved/fleet/production"]);
  });
});

describe("a late delivery of an older push to .github", () => {
  it("re-renders with the settings the default branch holds now, not the ones that push made", async () => {
    await deployedFleet();
    const before = fake.headSha(ORG_REPO);
    const older = fake.commit(ORG_REPO, "main", { files: NEW_SETTINGS }, "Rename the port");
    // The platform team reverts the template before GitHub delivers the first push.
    fake.commit(ORG_REPO, "main", { files: { ".github/paved-templates/service.yaml.hbs": RENAMED_PORT_TEMPLATE.replace("- name: web", "- name: http") } }, "Undo");
    await deliver(probot, "push", pushTo(ORG_REPO, before, older, { modified: Object.keys(NEW_SETTINGS) }));
    expect(openFleetPulls()).toEqual([]);
  });
});
