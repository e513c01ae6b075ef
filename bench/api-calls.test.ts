/**
 * GitHub API calls per pull-request event and per merge, for 10, 100 and 1,000 changed GitOps
 * files: the real app (a Probot instance receiving webhook payloads) against the fake GitHub of
 * test/support, which records every request. Not a test of the app: `npm run bench` runs it
 * (`npx vitest run --config bench/vitest.config.ts`) and collects the JSON it writes to
 * $PAVED_BENCH_OUT. Nothing here is timed.
 *
 * The pull request changes `env` of k services (3 deployment files each, one per environment) and
 * adds m services (16 files each: 5 per environment and a catalog entry), plus the source's
 * ownership index: 1 + 3k + 16m files. The plan behind each count is checked below.
 */
import { writeFileSync } from "node:fs";
import type { Probot } from "probot";
import { afterAll, describe, expect, it } from "vitest";
import { useApp } from "../test/support/app-harness.js";
import { APP_REPO, GITOPS, deliver, openPull, pullRequestPayload, pushPayload, seedOrg } from "../test/support/app-world.js";
import type { Call, FakeGitHub } from "../test/support/fake-github.js";
import { CONFIG_TEXT } from "./fixtures.mjs";

const OWNER = "payments";

function service(i: number, logLevel: string): string[] {
  const name = `svc-${String(i).padStart(3, "0")}`;
  return [
    `  ${name}:`,
    `    image: ghcr.io/acme/${name}@sha256:${i.toString(16).padStart(64, "0")}`,
    "    port: 8080",
    "    replicas: 2",
    "    env:",
    `      LOG_LEVEL: ${logLevel}`,
    "    health:",
    "      path: /healthz",
    `    ingress: { host: ${name}.example.com }`,
  ];
}

/** `count` services; the first `edited` log at debug. */
function manifest(count: number, edited = 0): string {
  const lines = ["apiVersion: paved.dev/v1", `owner: ${OWNER}`, "services:"];
  for (let i = 0; i < count; i++) lines.push(...service(i, i < edited ? "debug" : "info"));
  return `${lines.join("\n")}\n`;
}

/** Base services, services edited and services added by the pull request, for `files` changed files. */
const SCENARIOS: Record<number, { base: number; edited: number; added: number }> = {
  10: { base: 40, edited: 3, added: 0 }, //     1 + 3·3
  100: { base: 40, edited: 33, added: 0 }, //   1 + 3·33
  1000: { base: 40, edited: 10, added: 51 }, // 1 + 3·10 + 19·51
};

/** `GET /repos/{owner}/{repo}/git/blobs/{sha}`: calls grouped by route, numbers and shas elided. */
function route(call: Call): string {
  const path = call.path
    .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}")
    .replace(/\/[0-9a-f]{40}(?=\/|$)/g, "/{sha}")
    .replace(/\/\d+(?=\/|$)/g, "/{n}")
    .replace(/\/git\/(ref|refs)\/heads\/.*/, "/git/$1/heads/{branch}");
  return `${call.method} ${path}`;
}

function summary(calls: Call[]) {
  const byRoute: Record<string, number> = {};
  for (const call of calls) byRoute[route(call)] = (byRoute[route(call)] ?? 0) + 1;
  return { total: calls.length, byRoute: Object.fromEntries(Object.entries(byRoute).sort(([a], [b]) => a.localeCompare(b))) };
}

function changedPaths(before: Record<string, string>, after: Record<string, string>): number {
  const paths = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...paths].filter((p) => before[p] !== after[p]).length;
}

const results: Record<string, unknown>[] = [];

let fake: FakeGitHub;
let probot: Probot;
useApp((app) => ({ fake, probot } = app));

describe("GitHub API calls per event", () => {
  afterAll(() => {
    const out = process.env.PAVED_BENCH_OUT;
    if (out) writeFileSync(out, JSON.stringify(results));
  });

  for (const [files, scenario] of Object.entries(SCENARIOS)) {
    it(`for ${files} changed GitOps files`, async () => {
      seedOrg(fake, { config: CONFIG_TEXT, manifest: manifest(scenario.base) });
      await deliver(probot, "push", pushPayload(fake, "1".repeat(40), fake.headSha(APP_REPO, "main"), { added: ["platform.yaml"] }));
      const before = fake.readTree(GITOPS);

      const pr = openPull(fake, { "platform.yaml": manifest(scenario.base + scenario.added, scenario.edited) });
      let from = fake.calls.length;
      await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));
      const prCalls = fake.calls.slice(from);

      const base = fake.headSha(APP_REPO, "main");
      const merged = fake.mergePull(APP_REPO, pr.number, "squash");
      from = fake.calls.length;
      await deliver(probot, "push", pushPayload(fake, base, merged));
      const mergeCalls = fake.calls.slice(from);

      const changed = changedPaths(before, fake.readTree(GITOPS));
      expect(changed).toBe(Number(files));
      expect(fake.unhandled).toEqual([]);
      results.push({
        changedFiles: changed,
        gitopsFiles: Object.keys(fake.readTree(GITOPS)).length,
        pullRequest: summary(prCalls),
        merge: summary(mergeCalls),
        // A writer using the Contents API spends one GET (for the file's sha) and one PUT per file.
        contentsApiMerge: 2 * changed,
      });
    });
  }
});
