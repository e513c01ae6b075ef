/** `paved plan`: what applying a manifest would change in a local GitOps repository. */
import { realpath, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors } from "../core/diagnostic.js";
import type { Source } from "../core/files.js";
import { GitError, LocalGitWriter, gitRunner, localSource } from "../gitops/local.js";
import type { Planner, TreeSnapshot, DesiredState, Plan } from "../plan/types.js";
import { readPlanBlobs } from "../flows/apply.js";
import { isRepositoryName } from "../plan/paths.js";
import { desiredState } from "../flows/pipeline.js";
import { plannerForDesired } from "../flows/planner.js";
import { unplannable } from "../plan/plan.js";
import type { RenderOptions } from "../render/index.js";
import type { CompiledTemplateSet } from "../render/templates.js";
import { cliText } from "../report/cli-text.js";
import { markdownComment } from "../report/markdown.js";
import { oneOf, parseCommandArgs, sourceIdOption, type Command } from "./args.js";
import { CliError, DEFAULT_MANIFEST, displayPath, loadCliConfig, loadConfigFiles, readText, type Io } from "./io.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit.js";

const FORMATS = ["text", "markdown", "json"] as const;

export const planCommand: Command = {
  summary: "Show what applying platform.yaml would change in a GitOps repository",
  usage: `Usage: paved plan [FILE] --gitops DIR [--config FILE] [--source OWNER/REPO] [--source-id ID] [--format text|markdown|json]

Renders a manifest (default: platform.yaml) and compares it with the GitOps repository checked out
in DIR (its current branch): the files to create, update and delete, per service and environment
in words, and the risks (production, deletions, removed dependencies, host changes).

Options:
  --gitops DIR        a local clone of the GitOps repository (required)
  --config FILE       the org config (default: .github/paved.yml when present, else built-in defaults)
  --source OWNER/REPO the source repository the manifest belongs to (default: from the manifest
                      folder's git remote \`origin\` on GitHub, else local/<folder name>)
  --source-id ID      the source repository's stable identity: its GitHub repository id (what the
                      App and the Action use: \`gh api repos/OWNER/REPO --jq .id\`). Ownership follows
                      it across renames. Without it the name is the identity: a renamed repository is
                      a new source, and files written for an id are not this source's
  --format FORMAT     text (default), markdown (the pull-request comment) or json
  -h, --help          show this help

Exit status: 0 valid (with or without changes), 1 invalid or owned by another source, 2 usage or I/O problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      "plan",
      args,
      { config: { type: "string" }, gitops: { type: "string" }, source: { type: "string" }, "source-id": { type: "string" }, format: { type: "string" } },
      1,
    );
    const format = oneOf("plan", "format", values.format, FORMATS, "text");
    const prepared = await preparePlan("plan", io, values, positionals[0]);
    const result = "plan" in prepared ? prepared.plan : await planOnce(prepared);
    io.stdout.write(formatPlan(result, format, io, prepared.source, prepared.file));
    return result.valid ? EXIT_OK : EXIT_FAILED;
  },
};

/** Everything `plan` and `apply` share: config, manifest, source, templates, GitOps repository. */
export type PreparedPlan =
  | { plan: Plan; source: Source; file: string }
  | {
      desired: DesiredState;
      planner: Planner;
      writer: LocalGitWriter;
      source: Source;
      file: string;
      gitops: string;
      /** What `paved apply` needs to deploy per environment (promotion): the manifest's text and absolute path, config, templates. */
      deploy: { text: string; manifestFile: string; config: ResolvedConfig; templates: CompiledTemplateSet; renderOptions: RenderOptions };
    };

export async function preparePlan(
  command: string,
  io: Io,
  values: Record<string, string | boolean | undefined>,
  manifestArg: string | undefined,
): Promise<PreparedPlan> {
  if (typeof values.gitops !== "string") {
    throw new CliError(`paved ${command}: \`--gitops DIR\` is required: a local clone of the GitOps repository; see \`paved ${command} --help\``, EXIT_USAGE);
  }
  const gitops = resolve(io.cwd, values.gitops);
  await requireTopLevel(gitops);
  const writer = new LocalGitWriter(gitops);
  void writer.prefetchTree();
  const manifestPath = manifestArg ?? DEFAULT_MANIFEST;
  const file = displayPath(io, manifestPath);
  const source = { ...(await sourceOf(command, io, manifestPath, values.source)), ...sourceIdOption(command, values["source-id"]) };
  const loaded = await loadCliConfig(io, typeof values.config === "string" ? values.config : undefined);
  if (!loaded.config || hasErrors(loaded.diagnostics)) return { plan: unplannable(loaded.diagnostics), source, file };
  const config = loaded.config;
  const text = await readManifest(command, io, manifestPath);
  const files = await loadConfigFiles(io, config, loaded);
  if (hasErrors(files.diagnostics)) return { plan: unplannable(files.diagnostics), source, file };
  const { templates } = files;
  const options = await renderOptions(gitops, config, files.renderOptions.valuesSchema);
  const configDocument = loaded.file !== undefined && loaded.text !== undefined ? { file: loaded.file, text: loaded.text } : undefined;
  const desired = desiredState(text, file, config, source, templates, options, configDocument);
  const bound = plannerForDesired(desired, { source, config, manifestText: text, manifestFile: file });
  const deploy = { text, manifestFile: resolve(io.cwd, manifestPath), config, templates, renderOptions: options };
  return { desired, planner: bound, writer, source, file, gitops, deploy };
}

/**
 * The manifest to plan. A missing one is not read as "delete everything": a mistyped path must
 * never plan the removal of a whole source, so the message says where removals happen.
 */
async function readManifest(command: string, io: Io, manifestPath: string): Promise<string> {
  try {
    return await readText(io, manifestPath, "manifest");
  } catch (error) {
    if (error instanceof CliError && !(await exists(resolve(io.cwd, manifestPath)))) {
      throw new CliError(
        `${error.message}. \`paved ${command}\` needs a manifest: to remove every service of a repository, delete its manifest on the default branch and the Paved App or Action deletes exactly that repository's files; or keep the manifest and set \`enabled: false\` on each service`,
        error.exitCode,
      );
    }
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads the GitOps repository once and plans against it. */
export async function planOnce(prepared: Extract<PreparedPlan, { planner: Planner }>): Promise<Plan> {
  const snapshot = await readGitops(prepared);
  return prepared.planner.plan(snapshot, await readPlanBlobs(prepared.writer, prepared.planner, snapshot));
}

async function readGitops(prepared: { writer: LocalGitWriter; gitops: string }): Promise<TreeSnapshot> {
  try {
    return await prepared.writer.readTree();
  } catch (error) {
    throw gitopsError(prepared.gitops, error);
  }
}

/**
 * `--gitops` names the top of a clone: git would otherwise find the repository above a subfolder,
 * and Paved would plan and commit at that repository's root, not in the folder the user named.
 */
export async function requireTopLevel(gitops: string): Promise<void> {
  let top: string;
  try {
    top = (await gitRunner(gitops)(["rev-parse", "--show-toplevel"])).toString("utf8").trim();
  } catch {
    return; // not a repository, or a bare one: reading it says what is wrong
  }
  const [real, realTop] = await Promise.all([realpath(gitops), realpath(top)]);
  if (real !== realTop) {
    throw new CliError(
      `paved: ${gitops} is a folder inside the git repository ${top}: --gitops names the top of the GitOps clone (a folder inside it is \`gitops.directory\` in the org config)`,
      EXIT_USAGE,
    );
  }
}

export function gitopsError(gitops: string, error: unknown): CliError {
  if (error instanceof GitError && /not a git repository|cannot change to/i.test(error.stderr)) {
    return new CliError(`paved: ${gitops} is not a git repository: --gitops names a local clone of the GitOps repository`, EXIT_USAGE);
  }
  return new CliError(`paved: ${error instanceof Error ? error.message : String(error)}`, EXIT_USAGE);
}

export function formatPlan(result: Plan, format: (typeof FORMATS)[number], io: Io, source: Source, file: string): string {
  if (format === "json") {
    const changes = result.changes.map((c) => ({ path: c.path, action: c.action, ...(c.unit ? { unit: c.unit } : {}) }));
    return `${JSON.stringify({ valid: result.valid, id: result.id, diagnostics: result.diagnostics, changes, units: result.units }, null, 2)}\n`;
  }
  if (format === "markdown") return markdownComment(result, { source, manifestPath: file });
  return cliText(result, { color: io.color === true });
}

/** A plan that never got made (the config has errors): same outputs, nothing to apply. */
export async function sourceOf(command: string, io: Io, manifestPath: string, explicit: string | boolean | undefined): Promise<Source> {
  if (typeof explicit === "string") {
    if (!isRepositoryName(explicit)) throw new CliError(`paved ${command}: \`--source\` must be OWNER/REPO, not \`${explicit}\``, EXIT_USAGE);
    return { repository: explicit };
  }
  const folder = dirname(resolve(io.cwd, manifestPath));
  const local = await localSource(folder, gitRunner(folder));
  const name = basename(folder).toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[.-]+|[.-]+$/g, "") || "manifest";
  return { repository: local.repository ?? `local/${name}`, ...(local.sha ? { sha: local.sha } : {}) };
}

/**
 * Where Argo CD finds the GitOps repository when the config does not say (`gitops.repository`):
 * the local clone's `origin`.
 */
export async function renderOptions(gitops: string, config: ResolvedConfig, valuesSchema: object | undefined): Promise<RenderOptions> {
  const options: RenderOptions = valuesSchema ? { valuesSchema } : {};
  if (!config.gitops.repository) {
    try {
      const url = (await gitRunner(gitops)(["remote", "get-url", "origin"])).toString("utf8").trim();
      if (url) options.gitopsRepoURL = url;
    } catch {
      // No origin: the renderer reports the missing gitops.repository.
    }
  }
  return options;
}

