/**
 * Whole-process time of a first `paved apply`: node bench/apply.mjs [runs]. Prints one JSON object.
 *
 * Each run gets a fresh local GitOps repository (real git, in a temporary directory removed
 * afterwards) holding one commit, and `node bin/paved.js apply` writes a 100-service manifest into
 * it: 1,551 new files in one commit, and the work tree brought along. Beside it, the floors for the
 * same files in the same kind of repository: `git fast-import` of one commit with them (what
 * writing the objects and the commit costs at least), and that plus `git reset --hard` (a work tree
 * that shows them, which `paved apply` also leaves). Medians over the runs, after one warm-up each.
 *
 * Nothing is deleted until the end, the disk is synced before each timed write, and which of apply
 * and floor goes first alternates: removing or writing thousands of files just before a run slows
 * its writes on some disks (discard, writeback), and would fall on whichever is timed next.
 *
 * Where an apply's time goes: `paved plan` of the same manifest into the same kind of repository
 * (everything but the write), and, in one more apply per run traced with git's own TRACE2 events,
 * the wall time during which at least one git process ran (the rest is Node: start, load, plan).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../dist/config/load.js";
import { desiredState } from "../dist/flows/pipeline.js";
import { defaultTemplates } from "../dist/render/index.js";
import { CONFIG_TEXT, SIZES, sourceOf, teamManifest } from "./fixtures.mjs";
import { median } from "./stats.mjs";

const runs = Number(process.argv[2]) || 5;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const size = SIZES[100];
const scratch = mkdtempSync(join(tmpdir(), "paved-bench-"));

function timed(command, args, options = {}) {
  const at = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - at) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/** Lets the disk finish what earlier writes and deletions queued (writeback, discards) before a timed write. */
function settle() {
  execFileSync("sync");
}

let repositories = 0;
/** A GitOps repository with one commit (a README), as `paved apply` finds a new one. */
function freshRepository() {
  const dir = join(scratch, `gitops-${repositories++}`);
  mkdirSync(dir);
  const git = (...args) => execFileSync("git", ["-C", dir, ...args], { stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Paved bench");
  git("config", "user.email", "bench@localhost");
  git("config", "commit.gpgsign", "false");
  writeFileSync(join(dir, "README.md"), "# GitOps\n");
  git("add", "README.md");
  git("commit", "-q", "-m", "Initial commit");
  return dir;
}

/** Milliseconds during which at least one git process ran, from a TRACE2 event file (start time + t_abs at exit). */
function gitWallMs(events) {
  const started = new Map();
  const spans = [];
  for (const line of events.split("\n")) {
    if (line === "") continue;
    const event = JSON.parse(line);
    if (event.event === "start") started.set(event.sid, Date.parse(event.time) + Number(event.time.slice(23, 26) || 0) / 1000);
    else if (event.event === "exit" && started.has(event.sid)) {
      const at = started.get(event.sid);
      spans.push([at, at + event.t_abs * 1000]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

try {
  const configPath = join(scratch, "paved.yml");
  writeFileSync(configPath, CONFIG_TEXT);
  const { config } = loadConfig(CONFIG_TEXT, configPath);
  const source = sourceOf(0);
  const text = teamManifest(0, size.services);
  const app = join(scratch, "team-00");
  mkdirSync(app);
  const manifest = join(app, "platform.yaml");
  writeFileSync(manifest, text);

  // The files the apply writes, for the floors (what `paved apply` itself renders).
  const desired = desiredState(text, "platform.yaml", config, source, defaultTemplates());
  if (desired.diagnostics.length > 0 || !desired.index) throw new Error(`fixture manifest invalid: ${JSON.stringify(desired.diagnostics[0])}`);
  const files = [...desired.rendered.files, [desired.index.path, desired.index.content]];
  const message = `paved: ${source.repository}\n`;
  const stream = [
    `commit refs/heads/main\ncommitter Paved <paved@localhost> 1700000000 +0000\ndata ${Buffer.byteLength(message)}\n${message}from refs/heads/main^0\n`,
    ...files.map(([path, content]) => `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`),
    "\n",
  ].join("");

  const paved = (command, gitops, env = {}) =>
    timed(process.execPath, [join(ROOT, "bin/paved.js"), command, manifest, "--gitops", gitops, "--config", configPath, "--source", source.repository], {
      env: { ...process.env, ...env },
    });
  const applies = [];
  const plans = [];
  const gitShares = [];
  const fastImports = [];
  const withCheckouts = [];
  const nodes = [];
  for (let i = 0; i <= runs; i++) {
    const [gitops, traced, imported] = [freshRepository(), freshRepository(), freshRepository()];
    const trace = join(scratch, `trace-${i}.json`);
    const measure = {
      paved() {
        const planMs = paved("plan", gitops);
        settle();
        const applyMs = paved("apply", gitops);
        settle();
        paved("apply", traced, { GIT_TRACE2_EVENT: trace });
        return { planMs, applyMs, gitMs: gitWallMs(readFileSync(trace, "utf8")) };
      },
      floor() {
        settle();
        const importMs = timed("git", ["-C", imported, "fast-import", "--quiet"], { input: stream });
        const checkoutMs = timed("git", ["-C", imported, "reset", "--hard", "-q"]);
        return { importMs, checkoutMs };
      },
    };
    // Alternating which goes first, so neither always meets the disk as the other left it.
    const first = i % 2 === 0 ? measure.paved() : measure.floor();
    const second = i % 2 === 0 ? measure.floor() : measure.paved();
    const { planMs, applyMs: ms, gitMs, importMs, checkoutMs } = { ...first, ...second };
    const nodeMs = timed(process.execPath, ["-e", ""]);
    if (i > 0) {
      // The first of each warms the file cache.
      applies.push(ms);
      plans.push(planMs);
      gitShares.push(gitMs);
      fastImports.push(importMs);
      withCheckouts.push(importMs + checkoutMs);
      nodes.push(nodeMs);
    }
  }
  process.stdout.write(
    `${JSON.stringify({
      command: "paved apply platform.yaml --gitops DIR --config paved.yml --source acme/team-00",
      services: size.services,
      files: files.length,
      runs,
      applyMs: median(applies),
      planMs: median(plans),
      applyGitMs: median(gitShares),
      fastImportMs: median(fastImports),
      fastImportCheckoutMs: median(withCheckouts),
      nodeStartMs: median(nodes),
    })}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
