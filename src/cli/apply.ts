/** `paved apply`: plan, then commit the result to the local GitOps repository in one commit. */
import { deploy, type DeployInputs } from "../flows/deploy.js";
import { DirtyWorkTreeError } from "../gitops/local.js";
import type { Planner } from "../plan/types.js";
import { applyWithRetry } from "../flows/apply.js";
import { cliText } from "../report/cli-text.js";
import { parseCommandArgs, type Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { report } from "./deploy.js";
import { manifestHistory } from "./manifest-at.js";
import { gitopsError, preparePlan, type PreparedPlan } from "./plan.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit.js";

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
      return EXIT_FAILED;
    }
    const subject = (planner: Planner) => (typeof values.message === "string" ? withSubject(planner, values.message) : planner);
    const merge = await mergeOf(prepared);
    if (merge) {
      // The manifest is committed as it is: a merge, each environment at the commit its promotion policy and hold give it.
      let deployed;
      try {
        deployed = await deploy({ ...merge, writer: prepared.writer, wrap: subject, retry: { attempts: 3 } });
      } catch (error) {
        if (error instanceof CliError) throw error;
        if (error instanceof DirtyWorkTreeError) throw new CliError(`paved apply: ${error.message}`, EXIT_USAGE);
        throw gitopsError(prepared.gitops, error);
      }
      return report("apply", deployed, io);
    }
    const bound = subject(prepared.planner);
    let outcome;
    try {
      outcome = await applyWithRetry(prepared.writer, bound, { attempts: 3 });
    } catch (error) {
      if (error instanceof DirtyWorkTreeError) throw new CliError(`paved apply: ${error.message}`, EXIT_USAGE);
      throw gitopsError(prepared.gitops, error);
    }
    io.stderr.write(cliText(outcome.plan, { color: false, diffs: false }));
    switch (outcome.status) {
      case "committed":
        io.stdout.write(`${outcome.sha}\n`);
        return EXIT_OK;
      case "unchanged":
        io.stdout.write("no changes\n");
        return EXIT_OK;
      case "invalid":
        return EXIT_FAILED;
      case "conflict":
        io.stderr.write(`paved apply: ${prepared.gitops} kept changing under us (${outcome.attempts} attempts); nothing committed, try again\n`);
        return EXIT_FAILED;
      case "refused":
        io.stderr.write(`paved apply: ${outcome.reason}; nothing committed\n`);
        return EXIT_FAILED;
    }
  },
};

/** Replaces the generated subject, keeping the per-unit body and the trailers. */
function withSubject(planner: Planner, subject: string): Planner {
  const line = subject.replace(/[\r\n]+/g, " ").trim();
  return { ...planner, message: (plan) => `${line}${planner.message(plan).replace(/^[^\n]*/, "")}` };
}

/** The merge `paved apply` deploys when the manifest file is committed as it is at HEAD; undefined otherwise. */
async function mergeOf(prepared: Extract<PreparedPlan, { planner: Planner }>): Promise<Omit<DeployInputs, "writer"> | undefined> {
  const head = prepared.source.sha;
  if (head === undefined) return undefined;
  const history = manifestHistory(prepared.deploy.manifestFile);
  const committed = await history.at(head).catch(() => undefined);
  if (committed !== prepared.deploy.text) return undefined;
  const { config, templates, renderOptions } = prepared.deploy;
  return {
    config,
    templates,
    renderOptions,
    manifestPath: prepared.file,
    source: prepared.source,
    readManifest: (commit) => history.at(commit),
    request: (present) => ({ kind: "merge", head, present }),
    seed: new Map([[head, prepared.desired]]),
    recordCommit: head,
  };
}
