/**
 * A burst of pull-request deliveries across several application repositories, fired all at once at
 * the service's real webhook endpoint, for the burst stories (test) and `npm run bench`.
 */
import { example, repositoryPayload } from "../../support/app-harness.js";
import { EXAMPLE_MANIFEST, ORG } from "../../support/app-world.js";
import type { FakeGitHub } from "../../support/fake-github.js";
import { sign } from "./webhook-server.js";

export interface BurstPull {
  repo: string;
  number: number;
}

export interface BurstDelivery {
  id: string;
  name: string;
  body: string;
  pull: BurstPull;
}

/** Actions GitHub sends for one head commit; all plan that head. */
const ACTIONS = ["opened", "synchronize", "ready_for_review", "reopened", "synchronize"];

export function manifestFor(team: number, step: number): string {
  return EXAMPLE_MANIFEST.replace("owner: payments", `owner: team-${team}`)
    .replaceAll("payments", `team-${team}`)
    .replace("LOG_LEVEL: info", `LOG_LEVEL: info-${step}`);
}

/** `repos` application repositories `acme/app-<i>`, each with the manifest on main and one open pull request changing it. */
export function openBurstPulls(fake: FakeGitHub, repos: number): BurstPull[] {
  const pulls: BurstPull[] = [];
  for (let i = 0; i < repos; i++) {
    const repo = `${ORG}/app-${i}`;
    fake.addRepo(repo, { files: { "platform.yaml": manifestFor(i, 0) } });
    fake.commit(repo, "change", { files: { "platform.yaml": manifestFor(i, 1) } }, "Change platform.yaml");
    const pr = fake.addPull(repo, { head: { ref: "change" }, base: { ref: "main" }, user: "dev" });
    pulls.push({ repo, number: pr.number });
  }
  return pulls;
}

export function pullPayload(fake: FakeGitHub, pull: BurstPull, action: string) {
  const pr = fake.pull(pull.repo, pull.number);
  const payload = example("pull_request", action === "synchronize" ? "synchronize" : "opened");
  payload.action = action;
  payload.number = pull.number;
  payload.repository = repositoryPayload(pull.repo);
  payload.installation = { id: 1, node_id: "I1" };
  Object.assign(payload.pull_request, {
    number: pull.number,
    state: pr.state,
    draft: pr.draft,
    head: { ...payload.pull_request.head, ref: pr.head.ref, sha: pr.head.sha, repo: repositoryPayload(pull.repo) },
    base: { ...payload.pull_request.base, ref: pr.base.ref, sha: pr.base.sha, repo: repositoryPayload(pull.repo) },
  });
  return payload;
}

/** `count` deliveries spread over the pull requests, several actions per head, each with its own delivery id. */
export function burstDeliveries(fake: FakeGitHub, pulls: BurstPull[], count: number, tag: string): BurstDelivery[] {
  return Array.from({ length: count }, (_, k) => {
    const pull = pulls[k % pulls.length]!;
    const action = ACTIONS[Math.floor(k / pulls.length) % ACTIONS.length]!;
    return { id: `${tag}-${k}-${crypto.randomUUID()}`, name: "pull_request", body: JSON.stringify(pullPayload(fake, pull, action)), pull };
  });
}

export interface Answer {
  id: string;
  status: number;
  ms: number;
}

/** Posts every delivery at once (as a burst arrives); the answers in order of sending. */
export function fireBurst(url: string, deliveries: BurstDelivery[], secret?: string): Promise<Answer[]> {
  return Promise.all(
    deliveries.map(async (d) => {
      const sent = performance.now();
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": d.name,
          "x-github-delivery": d.id,
          "x-hub-signature-256": sign(d.body, secret),
        },
        body: d.body,
      });
      await response.text();
      return { id: d.id, status: response.status, ms: performance.now() - sent };
    }),
  );
}

/** Resolves when `done()` holds, polling; rejects after `timeoutMs` saying `what`. */
export async function eventually(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
