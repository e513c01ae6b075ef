/** `paved render`: write the GitOps files for a manifest into a folder. */
import { lstat, mkdir, realpath, writeFile } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import { hasErrors, sortDiagnostics } from "../core/diagnostic.js";
import type { FileSet } from "../core/files.js";
import { isInside } from "../settings/local-files.js";
import { locateRender } from "../render/located.js";
import { renderUnits } from "../render/index.js";
import { parseCommandArgs, sourceIdOption, type Command } from "./args.js";
import { checkManifestFile, CliError, displayPath, loadConfigFiles, summaryLine, writeDiagnostics, type Io } from "./io.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit.js";

const SOURCE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const renderCommand: Command = {
  summary: "Render the GitOps files (Argo CD, Kubernetes or Helm values, catalog) into a folder",
  usage: `Usage: paved render [FILE] --out DIR [--config FILE] [--source OWNER/REPO [--source-id ID]] [--gitops-repo URL]

Checks a manifest (default: platform.yaml) and, when it is valid, writes the files Paved would
commit to the GitOps repository into DIR: <env>/<namespace>/<service>/…, projects/, catalog/.
Existing files are overwritten; nothing is deleted; nothing is written outside DIR.

Options:
  --out DIR            where to write (required)
  --config FILE        the org config (default: .github/paved.yml when present, else built-in defaults)
  --source OWNER/REPO  the source repository recorded in paved.dev/source (default: local/<current folder>)
  --source-id ID       the source repository's id, written in each file's first line (see \`paved plan --help\`)
  --gitops-repo URL    the GitOps repository URL for Argo CD (default: https://github.com/<gitops.repository>.git;
                       without gitops.repository, https://github.com/<source owner>/gitops.git, with a note)
  -h, --help           show this help

Exit status: 0 written (warnings allowed), 1 errors found (nothing written), 2 usage or file problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      "render",
      args,
      { config: { type: "string" }, out: { type: "string" }, source: { type: "string" }, "source-id": { type: "string" }, "gitops-repo": { type: "string" } },
      1,
    );
    const out = stringOption(values.out);
    if (out === undefined) throw new CliError("paved render: `--out DIR` is required; see `paved render --help`", EXIT_USAGE);
    const repository = stringOption(values.source) ?? `local/${basename(io.cwd).replace(/[^A-Za-z0-9._-]/g, "-") || "source"}`;
    if (!SOURCE.test(repository)) throw new CliError(`paved render: \`--source\` must be OWNER/REPO, not \`${repository}\``, EXIT_USAGE);
    const id = sourceIdOption("render", values["source-id"]);
    const configOption = stringOption(values.config);

    const checked = await checkManifestFile(io, {
      ...(positionals[0] !== undefined ? { file: positionals[0] } : {}),
      ...(configOption !== undefined ? { config: configOption } : {}),
    });
    if (!checked.config || !checked.check || hasErrors(checked.diagnostics)) {
      writeDiagnostics(io, "text", checked.diagnostics, summaryLine(checked.diagnostics, checked.file, checked.check?.units.length ?? 0), checked.sources);
      return EXIT_FAILED;
    }
    const config = checked.config;
    // A local preview must work on the built-in defaults, which name no GitOps repository: guess the
    // source owner's `gitops` repository and say so, rather than refuse.
    let gitopsRepoURL = stringOption(values["gitops-repo"]);
    let guessed: string | undefined;
    if (gitopsRepoURL === undefined && !config.gitops.repository) {
      gitopsRepoURL = `https://github.com/${repository.split("/")[0]}/gitops.git`;
      guessed = `${checked.file}: the Applications name ${gitopsRepoURL} as their GitOps repository (${configOption ?? "the built-in config"} sets no \`gitops.repository\`); set it in the org config, or pass --gitops-repo URL\n`;
    }
    const files = await loadConfigFiles(io, config, checked.configFile);
    if (hasErrors(files.diagnostics)) {
      const diagnostics = sortDiagnostics([...checked.diagnostics, ...files.diagnostics]);
      writeDiagnostics(io, "text", diagnostics, summaryLine(diagnostics, checked.file, checked.check.units.length), checked.sources);
      return exitCodeFor(diagnostics);
    }
    const { templates, renderOptions } = files;

    const output = renderUnits(checked.check.units, config, { repository, ...id }, templates, {
      ...(gitopsRepoURL !== undefined ? { gitopsRepoURL } : {}),
      ...renderOptions,
    });
    const { file: configFile, text: configText } = checked.configFile;
    const configDocument = configFile !== undefined && configText !== undefined ? { file: configFile, text: configText } : undefined;
    const result = locateRender(output, { document: config.manifest, file: checked.file, sourceMap: checked.check.sourceMap }, configDocument);
    const diagnostics = sortDiagnostics([...checked.diagnostics, ...result.diagnostics]);
    if (hasErrors(diagnostics)) {
      writeDiagnostics(io, "text", diagnostics, summaryLine(diagnostics, checked.file, result.units.length), checked.sources);
      return exitCodeFor(diagnostics);
    }
    const written = await writeTree(resolve(io.cwd, out), result.files);
    const summary = `${checked.file}: wrote ${written} file${written === 1 ? "" : "s"} for ${result.units.length} unit${result.units.length === 1 ? "" : "s"} to ${displayPath(io, out)}`;
    writeDiagnostics(io, "text", diagnostics, summary, checked.sources);
    if (guessed) io.stderr.write(`note: ${guessed}`);
    return EXIT_OK;
  },
};

function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Writes every file under `root`, refusing any path that would land outside it: absolute paths,
 * `..`, and symlinks (in the folder tree or as the file itself) that point elsewhere. Folders are
 * checked before anything is created in them, so a link out of `root` is never written through.
 */
async function writeTree(root: string, files: FileSet): Promise<number> {
  try {
    await mkdir(root, { recursive: true });
  } catch (error) {
    throw new CliError(`paved render: cannot create \`${root}\`: ${(error as Error).message}`, EXIT_USAGE);
  }
  const realRoot = await realpath(root);
  const within = (path: string) => isInside(realRoot, path);
  for (const path of files.keys()) {
    if (isAbsolute(path) || path.split(/[\\/]/).some((segment) => segment === ".." || segment === "." || segment === "")) {
      throw new CliError(`paved render: refusing to write \`${path}\`: not a plain relative path`, EXIT_USAGE);
    }
  }
  const checked = new Set<string>();
  let written = 0;
  for (const [path, content] of files) {
    const segments = path.split("/");
    try {
      let current = realRoot;
      for (const segment of segments.slice(0, -1)) {
        current = join(current, segment);
        if (checked.has(current)) continue;
        const stats = await lstat(current).catch(() => undefined);
        if (!stats) await mkdir(current);
        else if (!within(await realpath(current))) {
          throw new CliError(`paved render: refusing to write \`${path}\`: \`${segment}\` is a link out of \`${root}\``, EXIT_USAGE);
        }
        checked.add(current);
      }
      const target = join(current, segments[segments.length - 1]!);
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isSymbolicLink()) throw new CliError(`paved render: refusing to write \`${path}\`: it is a symbolic link`, EXIT_USAGE);
      await writeFile(target, content, "utf8");
      written++;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`paved render: cannot write \`${path}\`: ${(error as Error).message}`, EXIT_USAGE);
    }
  }
  return written;
}

/** The same command under the name the issue gave it. */
export const render = renderCommand;
