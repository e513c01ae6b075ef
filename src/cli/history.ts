/** `paved history ENV`: what was deployed there, when, by which command or merge, from the GitOps repository's git log alone. */
import { resolve } from "node:path";
import { gitRunner } from "../gitops/local.js";
import { deploymentHistory, historyText, type GitOpsCommit } from "../report/history.js";
import { oneOf, parseCommandArgs, type Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { gitopsError, requireTopLevel } from "./plan.js";
import { EXIT_OK, EXIT_USAGE } from "./exit.js";

const FORMATS = ["text", "json"] as const;
const FIELD = "\x1f";
const RECORD = "\x1e";

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

/** Every commit of the current branch that has a Paved-Action trailer, newest first. */
async function readLog(gitops: string): Promise<GitOpsCommit[]> {
  const git = gitRunner(gitops);
  let out: string;
  try {
    // An empty repository has no HEAD yet: nothing is recorded.
    const head = (await git(["rev-parse", "-q", "--verify", "HEAD^{commit}"]).catch(() => Buffer.from(""))).toString("utf8").trim();
    if (head === "") return [];
    out = (await git(["log", "--grep=^Paved-Action: ", "--format=%H%x1f%cI%x1f%B%x1e", head])).toString("utf8");
  } catch (error) {
    throw gitopsError(gitops, error);
  }
  return out
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ""))
    .filter((r) => r.includes(FIELD))
    .map((r) => {
      const [sha, date, ...message] = r.split(FIELD);
      return { sha: sha!, date: date!, message: message.join(FIELD) };
    });
}
