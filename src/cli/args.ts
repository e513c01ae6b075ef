/** What a CLI command is, and argument parsing with usage errors people can act on. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SOURCE_ID } from "../core/provenance.js";
import { didYouMean } from "../document/suggest.js";
import { CliError, type Io } from "./io.js";
import { EXIT_USAGE } from "./exit.js";

export interface Command {
  /** One line for `paved --help`. */
  summary: string;
  /** The full `paved <cmd> --help` text. */
  usage: string;
  run(args: string[], io: Io): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** node:util parseArgs, strict, with its errors turned into exit-code-2 usage errors. */
export function parseCommandArgs(command: string, args: string[], options: Options, maxPositionals: number): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as ParsedArgs;
  } catch (error) {
    throw new CliError(usageProblem(command, error, Object.keys(options)), EXIT_USAGE);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).join(" ");
    throw new CliError(`paved ${command}: unexpected argument \`${extra}\`; see \`paved ${command} --help\``, EXIT_USAGE);
  }
  return parsed;
}

function usageProblem(command: string, error: unknown, names: string[]): string {
  const text = error instanceof Error ? error.message : String(error);
  const help = `; see \`paved ${command} --help\``;
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(text);
  if (unknown) {
    return `paved ${command}: unknown option \`${unknown[1]}${unknown[2]}\`${didYouMean(unknown[2]!, names).replace(/`([^`]+)`\?$/, "`--$1`?")}${help}`;
  }
  const missing = /Option '(?:-\w, )?--([^ ]+) <value>' argument missing/.exec(text);
  if (missing) return `paved ${command}: \`--${missing[1]}\` needs a value${help}`;
  return `paved ${command}: ${text.replace(/\.$/, "")}${help}`;
}

/** `--format`-style options: one of a fixed list. */
export function oneOf<T extends string>(command: string, option: string, value: string | boolean | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(
    `paved ${command}: \`--${option}\` must be one of ${allowed.join(", ")}, not \`${String(value)}\`${didYouMean(String(value), allowed)}`,
    EXIT_USAGE,
  );
}

/** `--source-id ID`: the source repository's stable identity (its GitHub repository id), when given. */
export function sourceIdOption(command: string, value: string | boolean | undefined): { id?: string } {
  if (typeof value !== "string") return {};
  if (!SOURCE_ID.test(value)) {
    throw new CliError(`paved ${command}: \`--source-id\` must be the repository's id (its GitHub \`repository.id\`, e.g. 1296269: letters, digits, \`_.:-\`, at most 64), not \`${value}\``, EXIT_USAGE);
  }
  return { id: value };
}
