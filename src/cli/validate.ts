/** `paved validate`: check a manifest against the schema, the org config and its policies. */
import { hasErrors } from "../core/diagnostic.js";
import { oneOf, parseCommandArgs, type Command } from "./args.js";
import { orgConfigGivenAsManifest } from "./check-config.js";
import { checkManifestFile, FORMATS, summaryLine, writeDiagnostics, type Io } from "./io.js";
import { exitCodeFor } from "./exit.js";

export const validateCommand: Command = {
  summary: "Check platform.yaml against the schema, the org config and its policies",
  usage: `Usage: paved validate [FILE] [--config FILE] [--format text|json|github]

Checks a manifest (default: platform.yaml; - reads it from standard input) and prints every
problem with its file:line:column (on a terminal, with the line and a caret under the column).
To check the org config on its own, run \`paved check-config\`.

Options:
  --config FILE    the org config (default: .github/paved.yml when present, else built-in defaults)
  --format FORMAT  text (default), json, or github (workflow commands that annotate a pull request)
  -h, --help       show this help

Exit status: 0 valid (warnings allowed), 1 errors found, 2 usage or file problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      "validate",
      args,
      { config: { type: "string" }, format: { type: "string" } },
      1,
    );
    const format = oneOf("validate", "format", values.format, FORMATS, "text");
    const result = await checkManifestFile(io, {
      ...(positionals[0] !== undefined ? { file: positionals[0] } : {}),
      ...(typeof values.config === "string" ? { config: values.config } : {}),
    });
    const text = result.sources[result.file];
    const misplaced = text !== undefined && result.check && hasErrors(result.check.diagnostics) ? orgConfigGivenAsManifest(text, result.file) : undefined;
    const diagnostics = misplaced ? [misplaced] : result.diagnostics;
    const summary = summaryLine(diagnostics, result.file, result.check?.units.length ?? 0);
    writeDiagnostics(io, format, diagnostics, summary, result.sources);
    return exitCodeFor(diagnostics);
  },
};
