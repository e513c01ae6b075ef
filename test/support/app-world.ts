import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { example, nextDeliveryId, repositoryPayload } from "./app-harness.js";
import type { FakeGitHub } from "./fake-github.js";

export const EXAMPLE_MANIFEST = readFileSync(new URL("../../examples/platform.yaml", import.meta.url), "utf8");
export const EXAMPLE_CONFIG = readFileSync(new URL("../../examples/paved.yml", import.meta.url), "utf8");
/** The example config without the production approval rule, for stories about something else. */
export const CONFIG_WITHOUT_APPROVAL = EXAMPLE_CONFIG.replace(/    approval:.*\n(?:      .*\n)*/m, "");

export const ORG = "acme";
export const APP_REPO = "acme/payments";
export const GITOPS = "acme/gitops";

/** An org with Paved configured, an empty GitOps repository and an application repository. */
export function seedOrg(fake: FakeGitHub, options: { config?: string | null; manifest?: string | null } = {}): void {
  const config = options.config === undefined ? CONFIG_WITHOUT_APPROVAL : options.config;
  fake.addRepo(`${ORG}/.github`, { files: config === null ? { "README.md": "org\n" } : { ".github/paved.yml": config } });
  fake.addRepo(GITOPS, { files: { "README.md": "# GitOps\n" } });
  const manifest = options.manifest === undefined ? EXAMPLE_MANIFEST : options.manifest;
  fake.addRepo(APP_REPO, { files: manifest === null ? { "README.md": "app\n" } : { "platform.yaml": manifest, "README.md": "app\n" } });
  fake.grantTeam(APP_REPO, "payments", "write"); // the owner team of the example may write to its repository
}

/** Opens a pull request that writes `files` on a new branch; returns its number and head sha. */
export function openPull(
  fake: FakeGitHub,
  files: Record<string, string>,
  options: { branch?: string; fork?: string; remove?: string[] } = {},
): { number: number; headSha: string } {
  const branch = options.branch ?? "feature";
  const headSha = fake.commit(APP_REPO, branch, { files, ...(options.remove ? { delete: options.remove } : {}) }, "Change platform.yaml");
  const pr = fake.addPull(APP_REPO, { head: { ref: branch, sha: headSha, ...(options.fork ? { repo: options.fork } : {}) }, base: { ref: "main" }, user: "dev" });
  return { number: pr.number, headSha };
}

export function pullRequestPayload(fake: FakeGitHub, number: number, action = "opened") {
  const pr = fake.pull(APP_REPO, number);
  const payload = example("pull_request", action === "synchronize" ? "synchronize" : "opened");
  payload.action = action;
  payload.number = number;
  payload.repository = sourcePayload(fake, APP_REPO);
  payload.installation = { id: 1, node_id: "I1" };
  Object.assign(payload.pull_request, {
    number,
    state: pr.state,
    draft: pr.draft,
    head: { ...payload.pull_request.head, ref: pr.head.ref, sha: pr.head.sha, repo: pr.head.repo === APP_REPO ? sourcePayload(fake, APP_REPO) : repositoryPayload(pr.head.repo, "main", 2) },
    base: { ...payload.pull_request.base, ref: pr.base.ref, sha: pr.base.sha, repo: sourcePayload(fake, APP_REPO) },
  });
  return payload;
}

export async function deliver(probot: Probot, name: string, payload: unknown, id = nextDeliveryId()): Promise<string> {
  await probot.receive({ id, name, payload } as never);
  return id;
}

export interface ChangedFiles {
  added?: string[];
  modified?: string[];
  removed?: string[];
}

/** A push of `after` to the default branch, shaped like GitHub's (from @octokit/webhooks-examples). */
export function pushPayload(
  fake: FakeGitHub,
  before: string,
  after: string,
  changed: ChangedFiles = { modified: ["platform.yaml"] },
  ref = "refs/heads/main",
  repo = APP_REPO,
) {
  return pushShape(sourcePayload(fake, repo), ref, before, after, changed);
}

/** GitHub's push payload for `repository` (a payload's `repository`), `ref` moved from `before` to `after`. */
export function pushShape(repository: Record<string, unknown>, ref: string, before: string, after: string, changed: ChangedFiles, extra: Record<string, unknown> = {}) {
  const payload = example("push");
  Object.assign(payload, {
    ref,
    before,
    after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    repository: { ...payload.repository, ...repository },
    installation: { id: 1, node_id: "I1" },
    commits: [{ ...(payload.commits[0] ?? {}), id: after, added: changed.added ?? [], modified: changed.modified ?? [], removed: changed.removed ?? [] }],
    head_commit: { ...(payload.head_commit ?? {}), id: after },
    ...extra,
  });
  return payload;
}

/** The `repository` of a payload for a repository of the fake: its name as it is now, and its id. */
export function sourcePayload(fake: FakeGitHub, fullName: string) {
  const state = fake.repoState(fullName);
  return repositoryPayload(state.fullName, state.defaultBranch, state.id);
}

/**
 * An `issue_comment.created` delivery for a comment already added to the fake (`fake.addComment`) on
 * pull request `number` of the application repository. `repository` overrides the payload's (e.g. another host).
 */
export function commentPayload(fake: FakeGitHub, number: number, comment: { id: number; body: string; user: string }, repository?: Record<string, unknown>) {
  return {
    action: "created",
    issue: { number, pull_request: { url: "x" } },
    comment: { id: comment.id, body: comment.body, user: { login: comment.user, type: "User" }, author_association: "MEMBER" },
    repository: repository ?? sourcePayload(fake, APP_REPO),
    installation: { id: 1, node_id: "I1" },
    sender: { login: comment.user, type: "User" },
  };
}

/** Where the ownership index of a repository of the fake lives: keyed by its id. */
export function indexOf(fake: FakeGitHub, fullName: string): string {
  return `.paved/sources/${fake.repoState(fullName).id}.yaml`;
}

/** Applies what the application repository's main branch holds now, as a merge would. */
export async function applyMain(probot: Probot, fake: FakeGitHub): Promise<string> {
  const after = fake.headSha(APP_REPO, "main");
  await deliver(probot, "push", pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }));
  return after;
}
