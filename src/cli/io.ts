/**
 * The CLI's edge: reading the manifest and the org config from disk (shared by validate, render,
 * plan), and writing diagnostics as text, JSON or GitHub workflow commands.
 */
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { DEFAULT_CONFIG } from "../config/defaults.js";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import type { ManifestCheck } from "../manifest/check.js";
import { checkManifestAndPolicies } from "../policy/checked-manifest.js";
import { decodeText } from "../document/encoding.js";
import { painter } from "../report/ansi.js";
import { codeFrame } from "../report/code-frame.js";
import { diagnosticLine } from "../report/diagnostic-line.js";
import { formatGithub } from "../report/workflow-commands.js";
import { EXIT_FAILED, EXIT_USAGE } from "./exit.js";
import { localConfigRoot, localFiles } from "../settings/local-files.js";
import { readConfigFiles, type ConfigFiles } from "../settings/load.js";
import { DEFAULT_MANIFEST_PATH, ORG_CONFIG_PATH } from "../settings/paths.js";

export interface Output {
  write(text: string): unknown;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  cwd: string;
  /** Standard output is a terminal: the source line under each problem. */
  isTTY: boolean;
  /** ANSI colour is wanted (decided once, by report/ansi.ts `wantsColor`, in process-io.ts); absent: none. */
  color?: boolean;
  /** What `-` reads (a manifest piped in); absent, `-` is refused. */
  stdin?: AsyncIterable<Uint8Array | string>;
}

/** A problem that ends the command with a message on stderr and an exit code (2: usage or I/O). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_USAGE) {
    super(message);
  }
}

export const DEFAULT_MANIFEST = DEFAULT_MANIFEST_PATH;
export const DEFAULT_CONFIG_PATH = ORG_CONFIG_PATH;

/** `-` names standard input. */
export const STDIN = "-";
const STDIN_NAME = "<stdin>";

/** How a path is shown: as the user typed it; relative to cwd when we chose it. */
export function displayPath(io: Io, path: string): string {
  if (path === STDIN) return STDIN_NAME;
  return isAbsolute(path) ? path : relative(io.cwd, resolve(io.cwd, path)) || path;
}

async function readStdin(io: Io, what: string): Promise<Uint8Array> {
  if (!io.stdin) throw new CliError(`paved: cannot read the ${what} from standard input here`, EXIT_USAGE);
  const chunks: Uint8Array[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
  return Buffer.concat(chunks);
}

/**
 * Reads a text file the user named (`-`: standard input), or fails with a message that says which file
 * and why. Text that is not UTF-8 fails at its first bad byte (exit 1, like any invalid input).
 */
export async function readText(io: Io, path: string, what: string): Promise<string> {
  const bytes = path === STDIN ? await readStdin(io, what) : await readBytes(io, path, what);
  const decoded = decodeText(bytes, displayPath(io, path));
  if ("text" in decoded) return decoded.text;
  throw new CliError(formatText([decoded.diagnostic], false).trimEnd(), EXIT_FAILED);
}

async function readBytes(io: Io, path: string, what: string): Promise<Uint8Array> {
  const absolute = resolve(io.cwd, path);
  try {
    return await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" :
      code === "EISDIR" ? "it is a directory" :
      code === "EACCES" ? "permission denied" :
      (error as Error).message;
    throw new CliError(`paved: cannot read the ${what} \`${path}\`: ${why} (looked for ${absolute})`, EXIT_USAGE);
  }
}

async function exists(io: Io, path: string): Promise<boolean> {
  try {
    return (await stat(resolve(io.cwd, path))).isFile();
  } catch {
    return false;
  }
}

export interface LoadedConfig {
  /** Undefined when the config has errors (they are in diagnostics). */
  config?: ResolvedConfig;
  diagnostics: Diagnostic[];
  /** The config file read, as displayed; undefined for the built-in defaults. */
  file?: string;
  /** Its text, when one was read. */
  text?: string;
}

/** `--config FILE`, else `.github/paved.yml` in cwd when present, else the built-in defaults. */
export async function loadCliConfig(io: Io, explicit: string | undefined): Promise<LoadedConfig> {
  let path = explicit;
  if (path === undefined) {
    if (!(await exists(io, DEFAULT_CONFIG_PATH))) return { config: DEFAULT_CONFIG, diagnostics: [] };
    path = DEFAULT_CONFIG_PATH;
  }
  const file = displayPath(io, path);
  const text = await readText(io, path, "config");
  return { ...loadConfig(text, file), file, text };
}

export interface CheckedManifest {
  /** Config and manifest diagnostics together, sorted. */
  diagnostics: Diagnostic[];
  config?: ResolvedConfig;
  /** Absent when the config had errors (the manifest is then not checked). */
  check?: ManifestCheck;
  /** The manifest path as displayed in diagnostics. */
  file: string;
  /** The texts read, by displayed file name: for the source lines under each problem. */
  sources: Record<string, string>;
  /** The config read (none: the built-in defaults), for the files it names. */
  configFile: Pick<LoadedConfig, "file" | "text">;
}

/** Loads the config and the manifest and checks it: what `validate`, `render` and `plan` all start with. */
export async function checkManifestFile(io: Io, options: { file?: string; config?: string }): Promise<CheckedManifest> {
  const path = options.file ?? DEFAULT_MANIFEST;
  const file = displayPath(io, path);
  const loaded = await loadCliConfig(io, options.config);
  const sources: Record<string, string> = loaded.file !== undefined && loaded.text !== undefined ? { [loaded.file]: loaded.text } : {};
  const configFile = { ...(loaded.file !== undefined ? { file: loaded.file } : {}), ...(loaded.text !== undefined ? { text: loaded.text } : {}) };
  if (!loaded.config || hasErrors(loaded.diagnostics)) {
    return { diagnostics: sortDiagnostics(loaded.diagnostics), file, sources, configFile };
  }
  const text = await readText(io, path, "manifest");
  sources[file] = text;
  const check = checkManifestAndPolicies(text, file, loaded.config);
  return {
    diagnostics: sortDiagnostics([...loaded.diagnostics, ...check.diagnostics]),
    config: loaded.config,
    check,
    file,
    sources,
    configFile,
  };
}

// ── Writing diagnostics ──────────────────────────────────────────────────────────────────────

export const FORMATS = ["text", "json", "github"] as const;
export type Format = (typeof FORMATS)[number];

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** "2 errors, 1 warning", or "platform.yaml: valid (3 units)". */
export function summaryLine(diagnostics: readonly Diagnostic[], file: string, unitCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (errors > 0) return warnings > 0 ? `${plural(errors, "error")}, ${plural(warnings, "warning")}` : plural(errors, "error");
  const valid = `${file}: valid (${plural(unitCount, "unit")})`;
  return warnings > 0 ? `${valid}, ${plural(warnings, "warning")}` : valid;
}

/**
 * `file:line:column: severity: message [code]` per problem; with `sources` (on a terminal), the
 * source line and a caret under each, as the demo shows them.
 */
export function formatText(diagnostics: readonly Diagnostic[], color: boolean, sources: Readonly<Record<string, string>> = {}): string {
  const paint = (severity: Diagnostic["severity"]) =>
    color ? `${severity === "error" ? "\x1b[31m" : "\x1b[33m"}${severity}\x1b[0m` : severity;
  const frames = painter(color);
  return diagnostics
    // Messages quote what the manifest says: its control characters must not reach the terminal.
    .map((d) => {
      const head = `${diagnosticLine(d, { code: "after", severity: paint(d.severity) })}\n`;
      const source = Object.prototype.hasOwnProperty.call(sources, d.file) ? sources[d.file] : undefined;
      return source === undefined ? head : head + codeFrame(source, d.line, d.column, frames).map((l) => `${l}\n`).join("");
    })
    .join("");
}

export function formatJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify({ diagnostics }, null, 2) + "\n";
}

/**
 * Writes diagnostics (and, for people, a summary line) in the chosen format. On a terminal, text
 * output shows the line of `sources` each problem points at.
 */
export function writeDiagnostics(io: Io, format: Format, diagnostics: readonly Diagnostic[], summary: string, sources: Readonly<Record<string, string>> = {}): void {
  if (format === "json") {
    io.stdout.write(formatJson(diagnostics));
  } else if (format === "github") {
    io.stdout.write(formatGithub(diagnostics) + summary + "\n");
  } else {
    io.stdout.write(formatText(diagnostics, io.color === true, io.isTTY ? sources : {}) + summary + "\n");
  }
}

/**
 * The files the org config names, relative to it — its templates folder and, in helm mode, the chart's
 * values schema — read by the settings loader the App and the Action use: a missing or broken one is a
 * diagnostic located where the config names it (exit 1, like any invalid input).
 */
export async function loadConfigFiles(io: Io, config: ResolvedConfig, loaded: Pick<LoadedConfig, "file" | "text">): Promise<ConfigFiles> {
  const file = loaded.file ?? DEFAULT_CONFIG_PATH;
  const at = localConfigRoot(io.cwd, file);
  const shown = relative(io.cwd, at.root);
  const source = localFiles(at.root, shown === "" ? "the working folder" : `\`${isAbsolute(shown) ? at.root : shown}\``);
  return readConfigFiles(source, config, { configPath: at.configPath, file, text: loaded.text ?? "" });
}
