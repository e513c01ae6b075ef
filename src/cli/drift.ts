/** `paved drift`: files Paved owns in a local GitOps clone whose latest change was not Paved's. */
import { resolve } from "node:path";
import { hasErrors } from "../core/diagnostic.js";
import { LocalGitWriter, gitRunner } from "../gitops/local.js";
import { ownedFiles, updateDrift, type CommitTouch } from "../plan/drift.js";
import { isIndexPath } from "../plan/fleet.js";
import { parseIndex, type OwnershipIndex } from "../plan/ownership-index.js";
import { driftText } from "../report/drift.js";
import { oneOf, parseCommandArgs, type Command } from "./args.js";
import { CliError, formatText, loadCliConfig, type Io } from "./io.js";
import { gitopsError } from "./plan.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit.js";

const FORMATS = ["text", "json"] as const;
const NO_BLOB = /^0+$/;

export const driftCommand: Command = {
  summary: "List files Paved owns in a GitOps repository that someone else changed",
  usage: `Usage: paved drift --gitops DIR [--config FILE] [--app SLUG] [--author EMAIL]... [--format text|json]

Reads the ownership indexes in the GitOps repository checked out in DIR and walks its history:
a file Paved owns whose latest change (merges aside) was made by anyone but Paved is drift, unless
it holds again what Paved last wrote. The same check the App runs on every push to the GitOps branch.

Paved's commits are told by their author and committer: the App's bot
(<id>+SLUG[bot]@users.noreply.github.com) or an --author you name. Offline, git cannot check who
really made a commit; the App also checks GitHub's signature.

Options:
  --gitops DIR      a local clone of the GitOps repository (required)
  --config FILE     the org config, for gitops.directory (default: .github/paved.yml when present)
  --app SLUG        the GitHub App's slug (default: paved)
  --author EMAIL    also count commits authored and committed by EMAIL as Paved's (say, \`paved apply\` in CI); repeatable
  --format FORMAT   text (default) or json
  -h, --help        show this help

Exit status: 0 no drift, 1 drift (or an invalid config), 2 usage or I/O problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseCommandArgs(
      "drift",
      args,
      { gitops: { type: "string" }, config: { type: "string" }, app: { type: "string" }, author: { type: "string", multiple: true }, format: { type: "string" } },
      0,
    );
    const format = oneOf("drift", "format", values.format, FORMATS, "text");
    if (typeof values.gitops !== "string") throw new CliError("paved drift: `--gitops DIR` is required: a local clone of the GitOps repository; see `paved drift --help`", EXIT_USAGE);
    const slug = typeof values.app === "string" ? values.app : "paved";
    if (!/^[a-z0-9][a-z0-9-]{0,33}$/i.test(slug)) throw new CliError(`paved drift: \`--app\` must be a GitHub App slug, not \`${slug}\``, EXIT_USAGE);
    const authors = ((values as { author?: string[] }).author ?? []).map((a) => a.toLowerCase());
    const loaded = await loadCliConfig(io, typeof values.config === "string" ? values.config : undefined);
    if (!loaded.config || hasErrors(loaded.diagnostics)) {
      io.stderr.write(formatText(loaded.diagnostics, false));
      return EXIT_FAILED;
    }
    const config = loaded.config;
    const dir = resolve(io.cwd, values.gitops);
    const writer = new LocalGitWriter(dir);
    let snapshot;
    try {
      snapshot = await writer.readTree();
    } catch (error) {
      throw gitopsError(dir, error);
    }
    // 1. What Paved owns, from the indexes at HEAD.
    const indexPaths = [...snapshot.tree.keys()].filter((p) => isIndexPath(p, config));
    const indexes: Array<{ path: string; index: OwnershipIndex }> = [];
    for (const [path, content] of await writer.readBlobs(indexPaths, snapshot)) {
      try {
        indexes.push({ path, index: parseIndex(content) });
      } catch (error) {
        io.stderr.write(`paved drift: ${path} is not a readable ownership index (${(error as Error).message}); its files are not checked\n`);
      }
    }
    // 2. Who changed what, oldest first, in one git call.
    const bot = new RegExp(`^\\d+\\+${slug}\\[bot\\]@users\\.noreply\\.github\\.com$`, "i");
    const isPaved = (email: string) => bot.test(email) || authors.includes(email.toLowerCase());
    const commits = snapshot.treeId === "" ? [] : parseLog((await gitRunner(dir)(logArgs(snapshot.treeId, config.gitops.directory))).toString("utf8"), isPaved);
    // 3. The drift at HEAD.
    const entries = updateDrift([], commits, ownedFiles(indexes), snapshot.tree);
    io.stdout.write(format === "json" ? `${JSON.stringify({ drift: entries }, null, 2)}\n` : driftText(entries));
    return entries.length === 0 ? EXIT_OK : EXIT_FAILED;
  },
};

const START = "\u0001";

function logArgs(head: string, directory: string): string[] {
  return ["-c", "core.quotePath=false", "log", "--reverse", "--no-merges", "--raw", "--no-abbrev", "--no-renames", `--format=${START}%H%x00%an%x00%ae%x00%ce`, head, ...(directory ? ["--", directory] : [])];
}

/** `git log --raw` output: a header per commit, then `:<mode> <mode> <old> <new> <status>\t<path>` per file. */
function parseLog(text: string, isPaved: (email: string) => boolean): CommitTouch[] {
  return text
    .split(START)
    .filter((chunk) => chunk.trim() !== "")
    .map((chunk) => {
      const [header = "", ...lines] = chunk.split("\n");
      const [sha = "", name = "", authorEmail = "", committerEmail = ""] = header.split("\0");
      const files = lines.flatMap((line) => {
        const match = /^:\d+ \d+ ([0-9a-f]+) [0-9a-f]+ \w+\t(.+)$/.exec(line);
        return match ? [{ path: match[2]!, before: NO_BLOB.test(match[1]!) ? null : match[1]! }] : [];
      });
      return { sha, author: name, paved: isPaved(authorEmail) && isPaved(committerEmail), files };
    });
}
