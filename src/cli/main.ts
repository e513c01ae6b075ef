/**
 * The `paved` command line: a dispatcher over `commands`. A new command is one line here and a
 * module exporting `{ summary, usage, run }`.
 */
import { PAVED_VERSION } from "../core/version.js";
import { didYouMean } from "../document/suggest.js";
import type { Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { applyCommand } from "./apply.js";
import { checkConfigCommand } from "./check-config.js";
import { demoCommand } from "./demo.js";
import { holdCommand, promoteCommand, releaseCommand, rollbackCommand } from "./deploy.js";
import { historyCommand } from "./history.js";
import { driftCommand } from "./drift.js";
import { initCommand } from "./init.js";
import { metricsCommand } from "./metrics.js";
import { planCommand } from "./plan.js";
import { portalCommand } from "./portal.js";
import { previewsCommand } from "./previews.js";
import { renderCommand } from "./render.js";
import { schemaCommand } from "./schema.js";
import { statusCommand } from "./status.js";
import { validateCommand } from "./validate.js";
import { EXIT_OK, EXIT_USAGE } from "./exit.js";

export type { Io } from "./io.js";

export const commands: Record<string, Command> = {
  validate: validateCommand,
  "check-config": checkConfigCommand,
  render: renderCommand,
  plan: planCommand,
  apply: applyCommand,
  promote: promoteCommand,
  rollback: rollbackCommand,
  hold: holdCommand,
  release: releaseCommand,
  history: historyCommand,
  portal: portalCommand,
  metrics: metricsCommand,
  drift: driftCommand,
  previews: previewsCommand,
  status: statusCommand,
  init: initCommand,
  schema: schemaCommand,
  demo: demoCommand,
};


function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: paved <command> [options]

Commands:
${lines.join("\n")}

Options:
  -h, --help     show help (also: paved <command> --help, paved help <command>)
  -V, --version  print the version

Exit status:
  0  ok (valid, written, applied, or nothing to do)
  1  invalid manifest or config, policy failure, a conflict (another source owns the files,
     or the GitOps branch kept moving), or a promotion or rollback refused
  2  usage or I/O problems (unknown option, missing file, not a git repository)

Start with \`paved init\` for a platform.yaml, or \`paved demo\` to watch the whole flow.
Docs: platform.yaml (paved.dev/v1) and the org config .github/paved.yml.
`;
}

function lookup(name: string): Command | undefined {
  return Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(help());
    return EXIT_USAGE;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    const asked = name === "help" ? rest[0] : undefined;
    const topic = asked !== undefined ? lookup(asked) : undefined;
    if (asked !== undefined && !topic) {
      io.stderr.write(`paved help: unknown command \`${asked}\`${didYouMean(asked, Object.keys(commands))}; see \`paved --help\`\n`);
      return EXIT_USAGE;
    }
    io.stdout.write(topic ? topic.usage : help());
    return EXIT_OK;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout.write(`${PAVED_VERSION}\n`);
    return EXIT_OK;
  }
  const command = lookup(name);
  if (!command) {
    const hint = name.startsWith("-") ? "" : didYouMean(name, Object.keys(commands));
    io.stderr.write(`paved: unknown ${name.startsWith("-") ? "option" : "command"} \`${name}\`${hint}; see \`paved --help\`\n`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`paved: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_USAGE;
  }
}
