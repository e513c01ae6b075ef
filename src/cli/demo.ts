/** `paved demo`: the whole story — pull request, plan comment, merge, GitOps commit — on real git repositories. */
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GitError } from "../gitops/local.js";
import { EXAMPLES_DIR, StoryError, tellStory } from "../demo/story.js";
import { EditError } from "../demo/edit.js";
import { Terminal } from "../demo/terminal.js";
import { parseCommandArgs, type Command } from "./args.js";
import { CliError, displayPath, type Io } from "./io.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit.js";

export const demoCommand: Command = {
  summary: "Watch the whole flow on throwaway git repositories: PR → plan → merge → GitOps commit",
  usage: `Usage: paved demo [--keep DIR]

Creates two real git repositories — an application repository holding the bundled example
(examples/platform.yaml) and a GitOps repository — and runs Paved's real core on them:
  1. a pull request adds a service: the plan, as the pull-request comment renders it
  2. the merge: one GitOps commit with exactly the planned files
  3. a pull request breaks a policy: the errors at file:line:column; the fix; the commit
  4. a pull request removes a service: only that service's files are deleted
Takes a few seconds and needs git on PATH. The repositories are deleted afterwards.

Options:
  --keep DIR   keep both repositories in DIR (DIR/payments and DIR/gitops) to look around
  -h, --help   show this help

Colour only on a terminal, and never when NO_COLOR is set.

Exit status: 0 the story ran as told, 1 a step did not do what the story expects, 2 usage or I/O
problems (no git, DIR already holds the repositories).
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseCommandArgs("demo", args, { keep: { type: "string" } }, 0);
    const keep = typeof values.keep === "string" ? resolve(io.cwd, values.keep) : undefined;
    const root = keep ?? (await mkdtemp(join(tmpdir(), "paved-demo-")));
    const appDir = join(root, "payments");
    const gitopsDir = join(root, "gitops");
    const term = new Terminal((text) => io.stdout.write(text), io.color === true);
    const started = Date.now();
    try {
      if (keep) await prepareKeep(keep, appDir, gitopsDir);
      await mkdir(appDir);
      await mkdir(gitopsDir);
      await tellStory({ appDir, gitopsDir, term });
    } catch (error) {
      if (error instanceof StoryError || error instanceof EditError) {
        const step = error instanceof StoryError ? ` at step ${error.step}` : "";
        io.stderr.write(`paved demo: the story went wrong${step}: ${error.message}\n`);
        return EXIT_FAILED;
      }
      if (error instanceof GitError && error.code === "ENOENT") throw new CliError("paved demo: needs git on PATH (https://git-scm.com)", EXIT_USAGE);
      throw error;
    } finally {
      if (!keep) await rm(root, { recursive: true, force: true });
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    term.line();
    if (keep) {
      term.ok(`Done in ${seconds} s. The repositories are in ${displayPath(io, keep)}:`);
      term.say(`  git -C ${appDir} log --oneline --graph`);
      term.say(`  git -C ${gitopsDir} log --stat`);
      term.say(`  cd ${appDir} && paved plan --gitops ../gitops --config ${join(EXAMPLES_DIR, "paved.yml")} --source acme/payments`);
      term.say("The self-service page (services, environments, deployments, delivery metrics), on http://127.0.0.1:4000/portal:");
      term.say(`  ${portalCommandLine(gitopsDir, appDir)}`);
    } else {
      term.ok(`Done in ${seconds} s. The repositories were temporary and are gone (keep them with --keep DIR).`);
      term.say("To browse them on the self-service page (services, deployments, delivery metrics):");
      term.say(`  paved demo --keep DIR && ${portalCommandLine("DIR/gitops", "DIR/payments")}`);
    }
    return EXIT_OK;
  },
};

/** The command that serves the demo's repositories on the portal page. */
export function portalCommandLine(gitopsDir: string, appDir: string): string {
  return `paved portal --gitops ${gitopsDir} --source ${appDir} --config ${join(EXAMPLES_DIR, "paved.yml")}`;
}

/** DIR may exist (empty or not), but must not already hold the demo's repositories. */
async function prepareKeep(dir: string, appDir: string, gitopsDir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(`paved demo: cannot create \`${dir}\`: ${(error as Error).message}`, EXIT_USAGE);
  }
  const present = new Set(await readdir(dir));
  for (const path of [appDir, gitopsDir]) {
    const name = path.slice(dir.length + 1);
    if (present.has(name)) throw new CliError(`paved demo: \`${path}\` already exists; choose another --keep folder or remove it`, EXIT_USAGE);
  }
}
