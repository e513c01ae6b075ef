/**
 * Bursts of pull-request deliveries with production throttling, for `npm run bench` (run by
 * bench/run.mjs through `vitest --config bench/vitest.config.ts bench/burst.test.ts`; it collects
 * the JSON written to $PAVED_BENCH_OUT). Not a test of the app: test/reliability/burst.test.ts holds
 * the stories; this measures them, and checks only that what it measures happened.
 *
 * For 50 and for 200 deliveries across 10 repositories (several actions per head, as GitHub sends
 * them), each in a fresh fake GitHub served on loopback:
 *   paved   the service as `npm start` runs it (`node dist/server.js`, NODE_ENV=production: Probot's
 *           throttling on), in a process of its own: acknowledgement times, time until every head
 *           has its completed check and comment, deliveries planned/superseded/failed, checks left
 *           in progress, GitHub calls, peak RSS of the process;
 *   floor   bench/floor-app.mjs, a Probot app with no logic that makes the same calls per head once,
 *           through the same throttling: what GitHub's pacing costs any app.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedOrg } from "../test/support/app-world.js";
import { FakeGitHub } from "../test/support/fake-github.js";
import { burstDeliveries, eventually, fireBurst, openBurstPulls, type BurstPull } from "../test/reliability/support/burst.js";
import { freePort, productionEnv, startServiceProcess } from "../test/reliability/support/processes.js";
import { percentile } from "../test/reliability/support/webhook-server.js";

const REPOS = 10;
/** Burst sizes; PAVED_BENCH_BURSTS=50 runs one (for a quick look). */
const SIZES = (process.env.PAVED_BENCH_BURSTS ?? "50,200").split(",").map(Number);
const MARKER = "<!-- paved:plan -->";
const FLOOR_MARKER = "<!-- floor -->";
const FLOOR_APP = fileURLToPath(new URL("floor-app.mjs", import.meta.url));

let fake: FakeGitHub;
let served: Awaited<ReturnType<FakeGitHub["serve"]>>;
const results: Record<string, unknown>[] = [];

beforeAll(async () => {
  // Served only: both apps run in processes of their own (no interception in this one).
  fake = new FakeGitHub();
  served = await fake.serve();
});

afterAll(async () => {
  await served?.close();
  if (process.env.PAVED_BENCH_OUT) writeFileSync(process.env.PAVED_BENCH_OUT, JSON.stringify(results));
});

/** A fresh world: the org, the GitOps repository, and `REPOS` repositories with a pull request each. */
function world(): BurstPull[] {
  fake.reset();
  seedOrg(fake);
  return openBurstPulls(fake, REPOS);
}

/** Peak resident set of a running process (VmHWM), in MiB; null off Linux. */
function peakRssMiB(pid: number | undefined): number | null {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return kib ? Number(kib[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

const heads = (pulls: BurstPull[]) => pulls.map((p) => ({ ...p, head: fake.pull(p.repo, p.number).head.sha }));

const summary = (ms: number[]) => ({ ackP50Ms: Math.round(percentile(ms, 50)), ackP99Ms: Math.round(percentile(ms, 99)), ackMaxMs: Math.round(Math.max(...ms)) });

async function runPaved(size: number) {
  const pulls = world();
  const service = await startServiceProcess(productionEnv(served.host, { PORT: String(await freePort()) }));
  try {
    const calls = fake.calls.length;
    const deliveries = burstDeliveries(fake, pulls, size, `paved-${size}`);
    const started = performance.now();
    const answers = await fireBurst(`${service.url}/api/github/webhooks`, deliveries);
    let text = "";
    await eventually(
      "every delivery handled",
      async () => {
        text = await (await fetch(`${service.url}/metrics`)).text();
        const handled = ["processed", "superseded", "failed"].reduce((n, outcome) => n + metric(text, "paved_deliveries_total", { outcome }), 0);
        return handled >= size && metric(text, "paved_queue_depth") === 0;
      },
      600_000,
    );
    const doneMs = performance.now() - started;
    const checks = heads(pulls).map((p) => fake.checkRuns(p.repo, { name: "Paved" }));
    const result = {
      app: "paved",
      deliveries: size,
      repositories: REPOS,
      acknowledged: answers.filter((a) => a.status === 202).length,
      ...summary(answers.map((a) => a.ms)),
      doneSeconds: doneMs / 1000,
      planned: metric(text, "paved_deliveries_total", { outcome: "processed" }),
      superseded: metric(text, "paved_deliveries_total", { outcome: "superseded" }),
      failed: metric(text, "paved_deliveries_total", { outcome: "failed" }),
      inProgress: checks.flat().filter((r) => r.status !== "completed").length,
      headsDone: heads(pulls).filter((p, i) => checks[i]!.some((r) => r.headSha === p.head && r.status === "completed") && fake.comments(p.repo, p.number).some((c) => c.body.includes(MARKER) && c.body.includes(p.head.slice(0, 7)))).length,
      githubCalls: fake.calls.length - calls,
      peakRssMiB: peakRssMiB(service.child.pid),
    };
    // What the figures stand for: each delivery handled exactly once, every head done, none left in progress.
    expect(result.acknowledged).toBe(size);
    expect(result.planned + result.superseded).toBe(size);
    expect({ failed: result.failed, inProgress: result.inProgress, headsDone: result.headsDone }).toEqual({ failed: 0, inProgress: 0, headsDone: REPOS });
    return result;
  } finally {
    await stop(service.child);
  }
}

async function runFloor(size: number) {
  const pulls = world();
  const child = spawn(process.execPath, [FLOOR_APP], { env: productionEnv(served.host, { PORT: String(await freePort()) }), stdio: ["ignore", "pipe", "inherit"] });
  try {
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
        const found = /listening on (\S+)/.exec(output);
        if (found) resolve(found[1]!);
      });
      child.once("exit", (code) => reject(new Error(`floor app exited ${code}: ${output}`)));
    });
    const calls = fake.calls.length;
    const deliveries = burstDeliveries(fake, pulls, size, `floor-${size}`);
    const started = performance.now();
    const answers = await fireBurst(`${url}/api/github/webhooks`, deliveries);
    await eventually("every head planned", () => (output.match(/^done /gm)?.length ?? 0) >= REPOS || /^failed /m.test(output), 600_000);
    expect(output).not.toMatch(/^failed /m);
    const doneMs = performance.now() - started;
    const done = heads(pulls).filter((p) => fake.comments(p.repo, p.number).some((c) => c.body.includes(FLOOR_MARKER))).length;
    expect(done).toBe(REPOS);
    return {
      app: "floor",
      deliveries: size,
      repositories: REPOS,
      acknowledged: answers.filter((a) => a.status === 200 || a.status === 202).length,
      ...summary(answers.map((a) => a.ms)),
      doneSeconds: doneMs / 1000,
      planned: REPOS,
      githubCalls: fake.calls.length - calls,
      peakRssMiB: peakRssMiB(child.pid),
    };
  } finally {
    await stop(child);
  }
}

for (const size of SIZES) {
  it(`a burst of ${size} pull-request deliveries across ${REPOS} repositories, beside the floor`, { timeout: 900_000 }, async () => {
    results.push(await runPaved(size));
    results.push(await runFloor(size));
  });
}
