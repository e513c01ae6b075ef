/**
 * `npm run bench`: prints the figures and writes bench/results.json. Runs the compiled code in
 * dist/ (`npm run build` first). Each part runs in processes of its own, one per size, so a size's
 * peak RSS is its own; scratch files go to a temporary directory removed at the end.
 *
 *   npm run bench                 everything (several minutes on 2 cores; the bursts wait for
 *                                 GitHub's pacing, ~1 minute each)
 *   npm run bench -- stages cli   only some parts: stages, cli, apply, api, burst, hostile
 *
 * See BENCHMARKS.md for what each figure measures.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SIZES } from "./fixtures.mjs";
import { printApi, printApply, printBurst, printCli, printStages } from "./table.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PARTS = ["stages", "cli", "apply", "api", "burst", "hostile"];
const wanted = process.argv.slice(2).filter((a) => PARTS.includes(a));
const parts = wanted.length > 0 ? wanted : PARTS;

// `paved` runs the bundle `npm run build` writes last (bin/paved.js): what the CLI parts time.
const BUNDLE = join(ROOT, "dist/cli/paved.mjs");
if (!existsSync(BUNDLE)) {
  console.error("bench: dist/ is missing; run `npm run build` first");
  process.exit(2);
}
if (statSync(join(ROOT, "src/plan/plan.ts")).mtimeMs > statSync(BUNDLE).mtimeMs) {
  console.error("bench: warning: src/ is newer than dist/; run `npm run build` for current figures");
}

/** Runs a node script (or vitest) and returns its stdout; stderr passes through. */
function node(args, env = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
  return result.stdout;
}

const json = (text) => JSON.parse(text.trim().split("\n").pop());

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg()[0],
  },
};

const scratch = mkdtempSync(join(tmpdir(), "paved-bench-"));
const started = performance.now();
try {
  if (parts.includes("stages")) {
    results.stages = [];
    for (const size of Object.keys(SIZES)) {
      const state = join(scratch, `gitops-${size}.json`);
      process.stderr.write(`bench: ${size} services: GitOps tree… `);
      node(["bench/gitops-state.mjs", size, state]);
      process.stderr.write("stages… ");
      const timing = json(node(["bench/stages.mjs", size, state]));
      process.stderr.write("memory…\n");
      const memory = json(node(["bench/stages.mjs", size, state, "--memory"]));
      results.stages.push({ ...timing, rssMiB: memory.rssMiB, coldPassMs: memory.coldPassMs });
    }
  }
  if (parts.includes("cli")) {
    process.stderr.write("bench: paved plan (whole process)…\n");
    results.cli = json(node(["bench/cli.mjs"]));
  }
  if (parts.includes("apply")) {
    process.stderr.write("bench: first paved apply (whole process) beside git fast-import…\n");
    results.apply = json(node(["bench/apply.mjs"]));
  }
  /** One benchmark file run by vitest (it needs the test support's TypeScript); returns the JSON it wrote. */
  const vitest = (file) => {
    const out = join(scratch, `${file.replace(/\W+/g, "-")}.json`);
    node([join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--config", "bench/vitest.config.ts", "--reporter=dot", file], { PAVED_BENCH_OUT: out });
    return JSON.parse(readFileSync(out, "utf8"));
  };
  if (parts.includes("api")) {
    process.stderr.write("bench: GitHub API calls (vitest, fake GitHub)…\n");
    results.apiCalls = vitest("bench/api-calls.test.ts");
  }
  if (parts.includes("burst")) {
    process.stderr.write("bench: bursts of 50 and 200 PR events with production throttling, beside a logic-free Probot app…\n");
    results.bursts = vitest("bench/burst.test.ts");
  }
  if (parts.includes("hostile")) results.hostile = (await import("./hostile.mjs")).benchHostile(node);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
results.machine.loadAverageAtEnd = loadavg()[0];
results.benchSeconds = Math.round((performance.now() - started) / 1000);

const m = results.machine;
console.log(`\nPaved benchmarks — ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, load average ${m.loadAverageAtStart.toFixed(1)} → ${m.loadAverageAtEnd.toFixed(1)}`);
if (results.stages) printStages(results.stages);
if (results.cli) printCli(results.cli);
if (results.apply) printApply(results.apply);
if (results.apiCalls) printApi(results.apiCalls);
if (results.bursts) printBurst(results.bursts);

const path = join(ROOT, "bench/results.json");
writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote bench/results.json (${results.benchSeconds} s).`);
