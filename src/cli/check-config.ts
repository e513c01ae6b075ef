/**
 * `paved check-config`: the org config on its own — the schema and its rules, then everything it points
 * at: the templates folder (every template must compile) and, in helm mode, the chart's values schema
 * (read and compiled). What `render` would trip over later, found now, each problem located.
 */
import { isAbsolute, relative } from "node:path";
import { loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import { parseYaml } from "../document/parse.js";
import { siteIn } from "../document/site.js";
import { compileValuesSchema } from "../render/values-schema.js";
import { oneOf, parseCommandArgs, type Command } from "./args.js";
import { DEFAULT_CONFIG_PATH, displayPath, FORMATS, loadConfigFiles, plural, readText, writeDiagnostics, type Io } from "./io.js";
import { exitCodeFor } from "./exit.js";

export const checkConfigCommand: Command = {
  summary: "Check the org config (.github/paved.yml) with its templates and values schema",
  usage: `Usage: paved check-config [FILE] [--format text|json|github]

Checks an org config (default: .github/paved.yml) on its own, with no manifest: the schema, its
rules (policies compile, environments exist), and the files it names, relative to it: every
template in render.templates must compile, and in helm mode render.chart.valuesSchema must be a
readable JSON Schema that compiles. Every problem is printed with its file:line:column.

Options:
  --format FORMAT  text (default), json, or github (workflow commands that annotate a pull request)
  -h, --help       show this help

Exit status: 0 valid (warnings allowed), 1 errors found, 2 usage or file problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs("check-config", args, { format: { type: "string" } }, 1);
    const format = oneOf("check-config", "format", values.format, FORMATS, "text");
    const path = positionals[0] ?? DEFAULT_CONFIG_PATH;
    const file = displayPath(io, path);
    const text = await readText(io, path, "config");
    const loaded = loadConfig(text, file);
    const diagnostics = [...loaded.diagnostics];
    let templateCount = 0;
    if (loaded.config && !hasErrors(diagnostics)) {
      const files = await configFiles(io, loaded.config, file, text);
      diagnostics.push(...files.diagnostics);
      templateCount = files.templates;
    }
    const sorted = sortDiagnostics(diagnostics);
    writeDiagnostics(io, format, sorted, summary(sorted, file, loaded.config, templateCount), { [file]: text });
    return exitCodeFor(sorted);
  },
};

/** The templates and the values schema, as diagnostics located in the config where it names them. */
async function configFiles(io: Io, config: ResolvedConfig, file: string, text: string): Promise<{ diagnostics: Diagnostic[]; templates: number }> {
  const at = (pointer: string) => siteIn(parseYaml(text, file).sourceMap, pointer, "value");
  const error = (code: string, pointer: string, message: string): Diagnostic => {
    const site = at(pointer);
    return { severity: "error", code, message, file, line: site.line, column: site.column, path: pointer };
  };
  const loaded = await loadConfigFiles(io, config, { file, text });
  // Template files are named by absolute path; inside the working folder, show them relative to it.
  const shown = (path: string) => {
    const rel = relative(io.cwd, path);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  };
  const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...[...loaded.templates.broken.values()].map((d) => ({ ...d, file: shown(d.file), message: d.message.replace(d.file, shown(d.file)) }))];
  const { valuesSchema } = loaded.renderOptions;
  if (valuesSchema !== undefined) {
    const compiled = compileValuesSchema(valuesSchema);
    if (!compiled.ok) diagnostics.push(error("render-invalid-values-schema", "/render/chart/valuesSchema", `the chart's values schema does not compile: ${compiled.message}`));
  }
  return { diagnostics, templates: loaded.templates.templates.size };
}

function summary(diagnostics: readonly Diagnostic[], file: string, config: ResolvedConfig | undefined, templates: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (errors > 0 || !config) return `${file}: ${plural(errors, "error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`;
  const parts = [plural(config.environments.length, "environment"), config.policies.length === 1 ? "1 policy" : `${config.policies.length} policies`, plural(templates, "template")];
  return `${file}: valid org config (${parts.join(", ")})${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`;
}

const CONFIG_ONLY_KEYS = ["gitops", "render", "argocd", "environments", "registries", "secretStore", "dependencies", "links", "policies", "builtins"];

/** A file handed to `paved validate` that is an org config, not a manifest: say so instead of 26 schema errors. */
export function orgConfigGivenAsManifest(text: string, file: string): Diagnostic | undefined {
  const { value } = parseYaml(text, file);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.includes("apiVersion") || keys.includes("services") || !keys.some((key) => CONFIG_ONLY_KEYS.includes(key))) return undefined;
  return {
    severity: "error",
    code: "org-config-not-manifest",
    message: `\`${file}\` is an org config, not a platform.yaml: check it with \`paved check-config ${file}\``,
    file,
    line: 1,
    column: 1,
    path: "",
  };
}
