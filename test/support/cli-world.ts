import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import { run, type Io } from "../../src/cli/main.js";

/** Real git without the machine's config: tests see what a fresh clone would. */
export function isolateGit(): void {
  process.env.GIT_CONFIG_GLOBAL = "/dev/null";
  process.env.GIT_CONFIG_NOSYSTEM = "1";
}

const dirs: string[] = [];
/** Removes every folder `tempDir` made: `afterEach(cleanUp)`. */
export function cleanUp(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A new temporary folder, removed by the next `cleanUp`. */
export function tempDir(prefix = "paved-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/**
 * In `root`: `payments/` with the bundled example manifest and its org config at `.github/paved.yml`
 * (not yet a git repository), and an empty `gitops/` folder beside it.
 */
export function exampleWorkspace(root: string): { app: string; gitops: string } {
  const app = join(root, "payments");
  const gitops = join(root, "gitops");
  mkdirSync(join(app, ".github"), { recursive: true });
  mkdirSync(gitops);
  cpSync(new URL("../../examples/platform.yaml", import.meta.url), join(app, "platform.yaml"));
  cpSync(new URL("../../examples/paved.yml", import.meta.url), join(app, ".github/paved.yml"));
  return { app, gitops };
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** The folder `paved` runs in. */
  cwd: string;
  /** Standard output is a terminal (source lines under problems); default false. */
  isTTY?: boolean;
  /** ANSI colour wanted (what bin/paved.js decides from the terminal and NO_COLOR); default none. */
  color?: boolean;
  /** What `-` reads; absent, `-` is refused as when nothing is piped in. */
  stdin?: string | Buffer;
  /** Variables set for this run only and restored afterwards (git's identity, for who commits in `paved apply`). */
  env?: Record<string, string>;
}

/**
 * The CLI in process (`run` of src/cli/main.ts, what bin/paved.js calls), its output captured: what
 * `paved <args>` would print and exit with in `cwd`. In process rather than spawned: the tests run
 * the sources, and a spawn per call would cost a Node start-up each (the bundle tests spawn instead).
 */
export async function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
    ...(options.color !== undefined ? { color: options.color } : {}),
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
  };
  const env = options.env ?? {};
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await run(args, io);
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** `paved <args>` in `cwd`: runCli for the common case. */
export function paved(cwd: string, ...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd });
}

/** A temporary folder with an empty GitOps clone and the example org config; apps are added with `app`. */
export function gitopsWorkspace(): { root: string; gitops: string; config: string; app: (name: string, manifest: string) => string } {
  const root = tempDir("paved-tenant-");
  const gitops = join(root, "gitops");
  mkdirSync(gitops);
  git(gitops, "init", "-q", "-b", "main");
  git(gitops, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "init");
  const config = join(root, "paved.yml");
  cpSync(new URL("../../examples/paved.yml", import.meta.url), config);
  return {
    root,
    gitops,
    config,
    app(name, manifest) {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "platform.yaml"), manifest);
      return dir;
    },
  };
}

/** The GitOps work tree as path → content (without .git). */
export function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (name === ".git") continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}
