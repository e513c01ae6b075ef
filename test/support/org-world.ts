import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { example, repositoryPayload } from "./app-harness.js";
import { CONFIG_WITHOUT_APPROVAL, ORG, deliver, pushShape, type ChangedFiles } from "./app-world.js";
import type { FakeGitHub } from "./fake-github.js";

/** Stories about the platform team's side: more sources, the `.github` repository's own pushes and pull requests. */
export const ORG_REPO = `${ORG}/.github`;
export const BUILTIN_SERVICE_TEMPLATE = readFileSync(new URL("../../templates/service.yaml.hbs", import.meta.url), "utf8");

/** A second team's manifest: one service from `image`. */
export function searchManifest(image = "ghcr.io/acme/search-web:2.0.0"): string {
  return `apiVersion: paved.dev/v1\nowner: search\nservices:\n  web:\n    image: ${image}\n    port: 8080\n    replicas: 2\n`;
}

/** A push of `after` to `repo`'s default branch that changed `files` (GitHub's payload shape). */
export function pushTo(repo: string, before: string, after: string, files: ChangedFiles, extra: Record<string, unknown> = {}, id?: number) {
  return pushShape(repositoryPayload(repo, "main", id), "refs/heads/main", before, after, files, extra);
}

/** GitHub's `pull_request.opened` for pull request `number` of the org's `.github` (its head from `headRepo`, a fork when not `.github`). */
export function orgPullRequestPayload(fake: FakeGitHub, number: number, headRepo = ORG_REPO) {
  const pr = fake.pull(ORG_REPO, number);
  const payload = example("pull_request", "opened");
  payload.number = number;
  payload.repository = repositoryPayload(ORG_REPO);
  payload.installation = { id: 1, node_id: "I1" };
  Object.assign(payload.pull_request, {
    number,
    state: "open",
    draft: false,
    head: { ...payload.pull_request.head, ref: pr.head.ref, sha: pr.head.sha, repo: headRepo === ORG_REPO ? repositoryPayload(ORG_REPO) : repositoryPayload(headRepo, "main", 2) },
    base: { ...payload.pull_request.base, ref: "main", sha: pr.base.sha, repo: repositoryPayload(ORG_REPO) },
  });
  return payload;
}

/** Adds a source repository with `manifest` and applies it, as its first merge would. */
export async function addSource(probot: Probot, fake: FakeGitHub, repo: string, manifest: string): Promise<string> {
  const sha = fake.addRepo(repo, { files: { "platform.yaml": manifest } });
  // Its owner team may push there, as Paved checks before it deploys anything.
  const owner = /^owner: (\S+)/m.exec(manifest)?.[1];
  if (owner) fake.grantTeam(repo, owner);
  // The repository's own id: the ownership index is keyed by it.
  await deliver(probot, "push", pushTo(repo, "1".repeat(40), sha, { added: ["platform.yaml"] }, {}, fake.repoState(repo).id));
  return sha;
}

/** The platform team pushes `files` to the org's `.github` default branch; returns the new sha. */
export async function pushOrgSettings(probot: Probot, fake: FakeGitHub, files: Record<string, string>): Promise<string> {
  const before = fake.headSha(ORG_REPO);
  const after = fake.commit(ORG_REPO, "main", { files }, "Platform settings");
  await deliver(probot, "push", pushTo(ORG_REPO, before, after, { modified: Object.keys(files) }));
  return after;
}

/** The example config with its own templates folder and only payments' images allowed. */
export function stricterConfig(extra = ""): string {
  return `${CONFIG_WITHOUT_APPROVAL.replace("registries: [ghcr.io/acme/]", "registries: [ghcr.io/acme/payments-api, ghcr.io/acme/payments-worker]").replace(
    /^render:\n(?:  .*\n)+/m,
    "render:\n  mode: manifests\n  templates: paved-templates\n",
  )}${extra}`;
}

/** The built-in Service template with its port renamed: one file per unit with a port changes. */
export const RENAMED_PORT_TEMPLATE = BUILTIN_SERVICE_TEMPLATE.replace("- name: http", "- name: web");
