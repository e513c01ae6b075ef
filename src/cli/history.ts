/** `paved history ENV`: what was deployed there, when, by which command or merge, from the GitOps repository's git log alone. */
import { resolve } from "node:path";
import { deploymentLog } from "../gitops/history.js";
import { gitRunner } from "../gitops/local.js";
import { deploymentHistory, historyText, type GitOpsCommit } from "../report/history.js";
import { oneOf, parseCommandArgs, type Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { gitopsError, requireTopLevel } from "./plan.js";
import { EXIT_OK, EXIT_USAGE } from "./exit.js";

const FORMATS = ["text", "json"] as const;

export const historyCommand: Command = {
  summary: "Show what was deployed to an environment, when, by which command or merge",
  usage: `Usage: paved history ENV --gitops DIR [--format text|json]

Reads the GitOps repository's history (its current branch) and lists, newest first, each Paved
commit that changed what ENV runs or held or released it: the date, the action (merge, promote,
rollback, hold, release), the source repository and commit, who asked, and the GitOps commit.
Everything comes from the commits' trailers (Paved-Action, Paved-By, Paved-Environment,
Paved-Source-Commit); commits made by hand, or before promotion was recorded, are not listed.

Options:
  --gitops DIR     a local clone of the GitOps repository (required)
  --format FORMAT  text (default) or json
  -h, --help       show this help

Exit status: 0 listed (also when nothing is recorded), 2 usage or I/O problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs("history", args, { gitops: { type: "string" }, format: { type: "string" } }, 1);
    const environment = positionals[0];
    if (environment === undefined) throw new CliError("paved history: name the environment: `paved history ENV --gitops DIR`; see `paved history --help`", EXIT_USAGE);
    if (typeof values.gitops !== "string") throw new CliError("paved history: `--gitops DIR` is required: a local clone of the GitOps repository; see `paved history --help`", EXIT_USAGE);
    const format = oneOf("history", "format", values.format, FORMATS, "text");
    const gitops = resolve(io.cwd, values.gitops);
    await requireTopLevel(gitops);
    const entries = deploymentHistory(await readLog(gitops), environment);
    io.stdout.write(format === "json" ? `${JSON.stringify(entries, null, 2)}\n` : historyText(entries, environment));
    return EXIT_OK;
  },
};

async function readLog(gitops: string): Promise<GitOpsCommit[]> {
  try {
    return await deploymentLog(gitRunner(gitops));
  } catch (error) {
    throw gitopsError(gitops, error);
  }
}
