/** `paved apply`: plan, then commit the result to the local GitOps repository in one commit. */
import { DirtyWorkTreeError } from "../gitops/local.js";
import { applyWithRetry, type Planner } from "../gitops/writer.js";
import { cliText } from "../report/cli-text.js";
import { parseCommandArgs, type Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { gitopsError, preparePlan } from "./plan.js";

export const applyCommand: Command = {
  summary: "Commit what platform.yaml renders to a local GitOps repository",
  usage: `Usage: paved apply [FILE] --gitops DIR [--config FILE] [--source OWNER/REPO] [--source-id ID] [--message TEXT]

Plans like \`paved plan\`, then writes the changes as one commit on the current branch of the
GitOps repository in DIR, and updates its work tree. Refuses a work tree with uncommitted changes.
Prints the new commit's sha, or \`no changes\`; the plan goes to stderr.

Options:
  --gitops DIR        a local clone of the GitOps repository (required)
  --config FILE       the org config (default: .github/paved.yml when present, else built-in defaults)
  --source OWNER/REPO the source repository the manifest belongs to (default: as for \`paved plan\`)
  --source-id ID      its GitHub repository id, the identity ownership follows (see \`paved plan --help\`)
  --message TEXT      the commit's first line (default: paved: OWNER/REPO@SHA)
  -h, --help          show this help

Exit status: 0 committed or nothing to do, 1 invalid or owned by another source (nothing committed),
2 usage or I/O problems (a dirty work tree included).
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      "apply",
      args,
      { config: { type: "string" }, gitops: { type: "string" }, source: { type: "string" }, "source-id": { type: "string" }, message: { type: "string" } },
      1,
    );
    const prepared = await preparePlan("apply", io, values, positionals[0]);
    if ("plan" in prepared) {
      io.stderr.write(cliText(prepared.plan, { color: false }));
      return 1;
    }
    const bound = typeof values.message === "string" ? withSubject(prepared.planner, values.message) : prepared.planner;
    let outcome;
    try {
      outcome = await applyWithRetry(prepared.writer, bound, { attempts: 3 });
    } catch (error) {
      if (error instanceof DirtyWorkTreeError) throw new CliError(`paved apply: ${error.message}`, 2);
      throw gitopsError(prepared.gitops, error);
    }
    io.stderr.write(cliText(outcome.plan, { color: false, diffs: false }));
    switch (outcome.status) {
      case "committed":
        io.stdout.write(`${outcome.sha}\n`);
        return 0;
      case "unchanged":
        io.stdout.write("no changes\n");
        return 0;
      case "invalid":
        return 1;
      case "conflict":
        io.stderr.write(`paved apply: ${prepared.gitops} kept changing under us (${outcome.attempts} attempts); nothing committed, try again\n`);
        return 1;
      case "refused":
        io.stderr.write(`paved apply: ${outcome.reason}; nothing committed\n`);
        return 1;
    }
  },
};

/** Replaces the generated subject, keeping the per-unit body and the trailers. */
function withSubject(planner: Planner, subject: string): Planner {
  const line = subject.replace(/[\r\n]+/g, " ").trim();
  return { ...planner, message: (plan) => `${line}${planner.message(plan).replace(/^[^\n]*/, "")}` };
}
