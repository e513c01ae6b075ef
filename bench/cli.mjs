/**
 * Whole-process time of `paved plan`: node bench/cli.mjs [runs]. Prints one JSON object.
 *
 * A local GitOps repository (real git, in a temporary directory removed afterwards) holds the
 * previous render of 10 source repositories × 100 services (1,000 services × 3 environments, one
 * commit per source with its ownership index, exactly the files `paved apply` writes; committed
 * with `git fast-import` to keep the setup short), checked out. Then `node bin/paved.js plan` runs
 * for one of the sources with 1% of its units changed. The median wall time of the spawned process is reported,
 * beside that of `node -e ""` (what starting Node alone costs on this machine).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
const size = SIZES[1000];
const scratch = mkdtempSync(join(tmpdir(), "paved-bench-"));

function timeProcess(args, options = {}) {
  const at = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - at) / 1e6;
  return { ms, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

try {
  const gitops = join(scratch, "gitops");
  mkdirSync(gitops);
  const git = (...args) => execFileSync("git", ["-C", gitops, ...args], { stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Paved bench");
  git("config", "user.email", "bench@localhost");
  git("config", "commit.gpgsign", "false");
  writeFileSync(join(gitops, "README.md"), "# GitOps\n");
  git("add", "README.md");
  git("commit", "-q", "-m", "Initial commit");

  const configPath = join(scratch, "paved.yml");
  writeFileSync(configPath, CONFIG_TEXT);
  const { config } = loadConfig(CONFIG_TEXT, configPath);
  const templates = defaultTemplates();
  const setupAt = performance.now();
  const stream = [];
  for (let team = 0; team < size.teams; team++) {
    const source = sourceOf(team);
    const desired = desiredState(teamManifest(team, size.services), "platform.yaml", config, source, templates);
    if (desired.diagnostics.length > 0 || !desired.index) throw new Error(`fixture manifest invalid: ${JSON.stringify(desired.diagnostics[0])}`);
    const message = `paved: ${source.repository}\n`;
    stream.push(`commit refs/heads/main\ncommitter Paved <paved@localhost> ${1_700_000_000 + team} +0000\ndata ${Buffer.byteLength(message)}\n${message}`);
    if (team === 0) stream.push("from refs/heads/main^0\n");
    for (const [path, content] of [...desired.rendered.files, [desired.index.path, desired.index.content]]) {
      stream.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    }
    stream.push("\n");
  }
  execFileSync("git", ["-C", gitops, "fast-import", "--quiet"], { input: stream.join(""), stdio: ["pipe", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  git("reset", "--hard", "-q");
  const setupMs = performance.now() - setupAt;
  const files = execFileSync("git", ["-C", gitops, "ls-files"], { maxBuffer: 64 * 1024 * 1024 }).toString().split("\n").filter(Boolean).length;

  const app = join(scratch, "team-00");
  mkdirSync(app);
  const manifest = join(app, "platform.yaml");
  writeFileSync(manifest, teamManifest(0, size.services, { changed: size.changed }));
  const args = [join(ROOT, "bin/paved.js"), "plan", manifest, "--gitops", gitops, "--config", configPath, "--source", sourceOf(0).repository];

  const plans = [];
  const nodes = [];
  let last;
  for (let i = 0; i <= runs; i++) {
    last = timeProcess(args);
    if (last.status !== 0) throw new Error(`paved plan exited ${last.status}: ${last.stderr || last.stdout}`);
    const bare = timeProcess(["-e", ""]);
    if (i > 0) {
      // The first of each warms the file cache.
      plans.push(last.ms);
      nodes.push(bare.ms);
    }
  }
  const json = timeProcess([...args, "--format", "json"]);
  const changes = JSON.parse(json.stdout).changes.length;
  process.stdout.write(
    `${JSON.stringify({
      command: "paved plan platform.yaml --gitops DIR --config paved.yml --source acme/team-00",
      manifestServices: size.services,
      gitopsServices: size.teams * size.services,
      gitopsFiles: files,
      gitopsCommits: size.teams + 1,
      changes,
      runs,
      planMs: median(plans),
      nodeStartMs: median(nodes),
      setupMs,
    })}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
