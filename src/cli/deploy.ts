/**
 * `paved promote|rollback|hold|release <env>` on a local GitOps clone: the same decision as the
 * `/paved` commands (plan/promotion.ts) and the same compare-and-swap deploy (flows/deploy.ts),
 * written by the local git writer. No authorisation: whoever runs it has the clone and pushes it.
 */
import { resolve } from "node:path";
import { hasErrors } from "../core/diagnostic.js";
import { deploy, type DeployOutcome } from "../flows/deploy.js";
import { DirtyWorkTreeError, LocalGitWriter, gitRunner } from "../gitops/local.js";
import type { DeployRequest } from "../plan/promotion.js";
import { cliText } from "../report/cli-text.js";
import { parseCommandArgs, sourceIdOption, type Command } from "./args.js";
import { CliError, formatText, loadCliConfig, loadConfigFiles, type Io } from "./io.js";
import { manifestHistory } from "./manifest-at.js";
import { gitopsError, renderOptions, requireTopLevel, sourceOf } from "./plan.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit.js";

type Verb = "promote" | "rollback" | "hold" | "release";

const OPTIONS = { config: { type: "string" }, gitops: { type: "string" }, source: { type: "string" }, "source-id": { type: "string" }, repo: { type: "string" } } as const;

const COMMON = `Options:
  --gitops DIR        a local clone of the GitOps repository (required); commits on its current branch
  --repo DIR          the source repository (a git clone) whose history has the deployed commits:
                      the manifest (the org config's \`manifest\`, default platform.yaml) is read at
                      each commit with \`git show\` (default: the current directory)
  --config FILE       the org config (default: .github/paved.yml when present, else built-in defaults)
  --source OWNER/REPO the source repository's name (default: as for \`paved plan\`, from --repo)
  --source-id ID      its GitHub repository id, the identity ownership follows (see \`paved plan --help\`)
  -h, --help          show this help

Environments with \`mode: pull-request\` are written directly here too: the clone is yours to push or
propose. Prints the new GitOps commit's sha, or what there was to do; the plan goes to stderr.
Exit status: 0 done or nothing to do, 1 refused (held, nothing to promote, a manifest that no longer
validates) with nothing committed, 2 usage or I/O problems (a dirty work tree included).
`;

export const promoteCommand = verbCommand(
  "promote",
  "Promote the commit the previous environment runs into an environment",
  `Usage: paved promote ENV --gitops DIR [--repo DIR] [--config FILE] [--source OWNER/REPO] [--source-id ID]

Deploys into ENV the source commit its promotion source runs (\`promote: { after: ENV }\`, else the
environment before it in the org config), as recorded in the GitOps repository's ownership index.
Merges and automatic promotions skip a held environment; promoting a newer commit by hand lifts the
hold. Refused while ENV is held and the commit is one it ran before (what it was rolled back from):
\`paved release ENV\` first. Refused too when the environment before has nothing deployed, or ENV
is the first one.

${COMMON}`,
);

export const rollbackCommand = verbCommand(
  "rollback",
  "Re-render an environment at its previous (or a given) deployed source commit, and hold it",
  `Usage: paved rollback ENV [SHA] --gitops DIR [--repo DIR] [--config FILE] [--source OWNER/REPO] [--source-id ID]

Re-renders ENV at the source commit deployed there before (or SHA, a commit of --repo) with today's
org config and templates, in one GitOps commit, and holds ENV: nothing promotes into it until
\`paved release ENV\`. Repeating it without SHA does not go back a further step. A commit whose
manifest no longer validates is refused with its diagnostics and nothing is written.

${COMMON}`,
);

export const holdCommand = verbCommand(
  "hold",
  "Hold an environment: nothing promotes into it until released",
  `Usage: paved hold ENV --gitops DIR [--repo DIR] [--config FILE] [--source OWNER/REPO] [--source-id ID]

Records in the ownership index that ENV is held; its files do not change.

${COMMON}`,
);

export const releaseCommand = verbCommand(
  "release",
  "Release a held environment: merges and promotions reach it again",
  `Usage: paved release ENV --gitops DIR [--repo DIR] [--config FILE] [--source OWNER/REPO] [--source-id ID]

Records in the ownership index that ENV is no longer held; its files do not change until the next
merge or promotion.

${COMMON}`,
);

function verbCommand(verb: Verb, summary: string, usage: string): Command {
  return { summary, usage, run: (args, io) => runVerb(verb, args, io) };
}

async function runVerb(verb: Verb, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(verb, args, OPTIONS, verb === "rollback" ? 2 : 1);
  const environment = positionals[0];
  if (environment === undefined) throw new CliError(`paved ${verb}: name the environment: \`paved ${verb} ENV --gitops DIR\`; see \`paved ${verb} --help\``, EXIT_USAGE);
  if (typeof values.gitops !== "string") throw new CliError(`paved ${verb}: \`--gitops DIR\` is required: a local clone of the GitOps repository; see \`paved ${verb} --help\``, EXIT_USAGE);
  const gitops = resolve(io.cwd, values.gitops);
  await requireTopLevel(gitops);
  const loaded = await loadCliConfig(io, typeof values.config === "string" ? values.config : undefined);
  if (!loaded.config || hasErrors(loaded.diagnostics)) {
    io.stderr.write(formatText(loaded.diagnostics, false));
    return EXIT_FAILED;
  }
  const config = loaded.config;
  const manifestFile = resolve(io.cwd, typeof values.repo === "string" ? values.repo : ".", config.manifest);
  const history = manifestHistory(manifestFile);
  const source = { ...(await sourceOf(verb, io, manifestFile, values.source)), ...sourceIdOption(verb, values["source-id"]) };
  const named = verb === "rollback" && positionals[1] !== undefined ? await history.resolve(positionals[1], verb) : undefined;
  const request: DeployRequest = verb === "rollback" ? { kind: "rollback", environment, ...(named ? { commit: named } : {}) } : { kind: verb, environment };
  const files = await loadConfigFiles(io, config, loaded);
  if (hasErrors(files.diagnostics)) {
    io.stderr.write(formatText(files.diagnostics, false));
    return exitCodeFor(files.diagnostics);
  }
  const { templates } = files;
  const by = await localUser(gitops);
  let outcome: DeployOutcome;
  try {
    outcome = await deploy({
      writer: new LocalGitWriter(gitops),
      config,
      templates,
      renderOptions: await renderOptions(gitops, config, files.renderOptions.valuesSchema),
      manifestPath: config.manifest,
      source,
      readManifest: (commit) => history.at(commit),
      request: () => request,
      ...(by ? { by } : {}),
      retry: { attempts: 3 },
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof DirtyWorkTreeError) throw new CliError(`paved ${verb}: ${error.message}`, EXIT_USAGE);
    throw gitopsError(gitops, error);
  }
  return report(verb, outcome, io);
}

/** Prints the outcome; returns the exit status. */
export function report(verb: string, outcome: DeployOutcome, io: Io): number {
  switch (outcome.status) {
    case "noop":
      io.stdout.write(`nothing to do: ${outcome.reason}\n`);
      return EXIT_OK;
    case "refused":
      io.stderr.write(`paved ${verb}: ${outcome.reason}; nothing committed\n`);
      return EXIT_FAILED;
    case "invalid-commit":
      io.stderr.write(`paved ${verb}: the manifest at ${outcome.commit.slice(0, 7)} does not validate under today's org config; nothing committed\n`);
      io.stderr.write(formatText(outcome.diagnostics, false));
      return EXIT_FAILED;
    case "invalid":
      io.stderr.write(cliText(outcome.plan, { color: false }));
      return EXIT_FAILED;
    case "conflict":
      io.stderr.write(`paved ${verb}: the GitOps branch kept changing under us (${outcome.attempts} attempts); nothing committed, try again\n`);
      return EXIT_FAILED;
    case "unchanged":
    case "committed": {
      io.stderr.write(cliText(outcome.plan, { color: false, diffs: false }));
      const d = outcome.decision;
      const held = Object.entries(d.deployed).filter(([, e]) => e.held).map(([e]) => e);
      for (const e of d.environments) io.stderr.write(`${e} now runs ${d.deployed[e]!.commit.slice(0, 7)}\n`);
      if (held.length > 0) io.stderr.write(`held: ${held.join(", ")} (nothing promotes into it until \`paved release ENV\`)\n`);
      io.stdout.write(outcome.status === "committed" ? `${outcome.sha}\n` : "no changes\n");
      return EXIT_OK;
    }
  }
}

/** Who asked, for the `Paved-By` trailer: git's user.name for the GitOps clone, else $USER. */
async function localUser(gitops: string): Promise<string | undefined> {
  try {
    const name = (await gitRunner(gitops)(["config", "--get", "user.name"])).toString("utf8").trim();
    if (name) return name.replace(/[\r\n]+/g, " ");
  } catch {
    // not configured
  }
  return process.env.USER || undefined;
}
