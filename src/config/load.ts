/**
 * The org config (`.github/paved.yml`): parse, validate against config.schema.json (filling its
 * defaults on a copy), then resolve what the schema cannot say. Errors are located in the config
 * file; a config with errors yields no ResolvedConfig.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import { parsePointer, pointer } from "../core/pointer.js";
import type { PavedConfig, Policy } from "../generated/config.js";
import { cloneJson, isJsonObject } from "../document/own.js";
import { parseYaml, type SourceMap } from "../document/parse.js";
import { schemaDiagnostics } from "../document/schema-errors.js";
import { configValidator } from "../generated/validators.js";
import { locateFinding } from "../document/locate.js";
import { dotted, siteIn } from "../document/site.js";
import { CONFIG_WORDING } from "./schema-wording.js";
import { BUILTIN_POLICY_IDS, compilePolicies } from "./declared-policies.js";
import { unknownAssertFields } from "./policy-fields.js";
import { resolveConfig } from "./resolve.js";
import { namespaceProblems } from "./namespace-patterns.js";
import { previewNamespaceProblems, reservedForPreviews } from "./preview-namespaces.js";
import type { ResolvedConfig } from "./types.js";

export { DEFAULT_CONFIG } from "./defaults.js";

export interface ConfigLoad {
  config?: ResolvedConfig;
  diagnostics: Diagnostic[];
}

export function loadConfig(text: string, file: string): ConfigLoad {
  const parsed = parseYaml(text, file);
  // An empty file is a config that keeps every default (the parser's `empty-file` is about manifests).
  const diagnostics = parsed.diagnostics.filter((d) => d.code !== "empty-file");
  const done = (config?: ResolvedConfig): ConfigLoad => ({
    ...(config && !hasErrors(diagnostics) ? { config } : {}),
    diagnostics: sortDiagnostics(diagnostics),
  });
  if (hasErrors(diagnostics)) return done();

  const value = parsed.value ?? {};
  if (!isJsonObject(value)) {
    const at = parsed.sourceMap.locate("");
    diagnostics.push({
      severity: "error",
      code: "invalid-type",
      message: `the config must be a mapping of settings (\`gitops\`, \`environments\`, …), not ${Array.isArray(value) ? "a list" : "a single value"}`,
      file,
      line: at.line,
      column: at.column,
      path: "",
    });
    return done();
  }

  const withDefaults = cloneJson(value);
  // Fills the schema's defaults into the copy as it checks it.
  const validate = configValidator;
  if (!validate(withDefaults)) {
    diagnostics.push(
      ...schemaDiagnostics(validate.errors ?? [], {
        file,
        site: (path, at) => siteIn(parsed.sourceMap, path, at),
        describe: (path) => (path === "" ? "the config" : `\`${dotted(parsePointer(path))}\``),
        wording: CONFIG_WORDING,
      }),
    );
    return done();
  }
  const config = resolveConfig(withDefaults as PavedConfig);
  diagnostics.push(...semanticChecks(config, file, parsed.sourceMap));
  return done(config);
}

/** What the config schema cannot say: helm needs a chart, policies must compile and be unique, namespaces must not overlap. */
function semanticChecks(config: ResolvedConfig, file: string, sourceMap: SourceMap): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (code: string, path: string, side: "key" | "value", message: string, severity: "error" | "warning" = "error") => {
    diagnostics.push(locateFinding({ severity, code, message, at: { document: file, pointer: path, side } }, { file, sourceMap }));
  };
  if (config.render.mode === "helm" && !config.render.chart) {
    report(
      "missing-field",
      "/render/mode",
      "value",
      "`render.mode` is `helm` but `render.chart` is missing; add `chart:` with `repoURL`, `name` and `version`",
    );
  }
  // The CLI, the Action and the App read the values schema from beside the config; none fetches URLs.
  // Refused here, where all three load the config, so the answer is one and located.
  const valuesSchema = config.render.chart?.valuesSchema;
  if (typeof valuesSchema === "string" && /^[a-z][a-z0-9+.-]*:/i.test(valuesSchema)) {
    report(
      "values-schema-url",
      "/render/chart/valuesSchema",
      "value",
      `\`render.chart.valuesSchema\` is a URL (\`${valuesSchema}\`): Paved does not fetch it; commit the chart's values.schema.json next to the config and give its path, e.g. \`charts/values.schema.json\``,
    );
  }
  config.environments.forEach((environment, index) => {
    if (environment.promote.kind !== "after") return;
    const after = environment.promote.environment;
    const position = config.environments.findIndex((e) => e.name === after);
    if (position >= 0 && position < index) return;
    const earlier = config.environments.slice(0, index).map((e) => `\`${e.name}\``);
    report(
      "invalid-promotion",
      pointer("environments", environment.name, "promote", "after"),
      "value",
      `\`environments.${environment.name}.promote.after\` is \`${after}\`, which is ${position < 0 ? "not an environment" : position === index ? "this environment itself" : "a later environment"}: it must name an earlier environment in the promotion order (${earlier.length > 0 ? earlier.join(", ") : "there is none: use `merge` or `manual`"})`,
    );
  });
  const ids = new Map<string, number>();
  config.policies.forEach((policy: Policy, index) => {
    const first = ids.get(policy.id);
    if (first !== undefined) {
      report("duplicate-policy", pointer("policies", index, "id"), "value", `policy id \`${policy.id}\` is already used by policy ${first + 1}; ids must be unique`);
    } else {
      ids.set(policy.id, index);
    }
    if ((BUILTIN_POLICY_IDS as readonly string[]).includes(policy.id)) {
      report("duplicate-policy", pointer("policies", index, "id"), "value", `policy id \`${policy.id}\` is the id of a built-in policy; choose another`);
    }
  });
  compilePolicies(config.policies).forEach(({ error }, index) => {
    if (error) report("invalid-policy", pointer("policies", index, "assert"), "key", `policy \`${config.policies[index]!.id}\`: ${error}`);
  });
  config.policies.forEach((policy, index) => {
    for (const unknown of unknownAssertFields(policy.assert)) {
      report(
        "unknown-policy-field",
        pointer("policies", index, "assert", ...unknown.at),
        "key",
        `policy \`${policy.id}\` checks \`${unknown.field}\`, which no unit has, so it never fires there` +
          (unknown.suggestion !== undefined ? `; did you mean \`${unknown.suggestion}\`?` : ""),
        "warning",
      );
    }
  });
  for (const problem of namespaceProblems(config.environments)) {
    report("namespace-overlap", pointer("environments", problem.environment, "namespace"), "value", problem.message);
  }
  if (config.previews) {
    const { from } = config.previews;
    if (!config.environments.some((env) => env.name === from)) {
      report("unknown-environment", "/previews/from", "value", `\`previews.from\` is \`${from}\`, which is not configured; the environments are ${config.environments.map((e) => `\`${e.name}\``).join(", ")}`);
    }
    for (const problem of previewNamespaceProblems(config.previews, config.environments)) {
      report("namespace-overlap", "/previews/namespace", "value", problem);
    }
    for (const env of config.environments) {
      if (reservedForPreviews(env.name)) {
        report("reserved-environment", pointer("environments", env.name), "key", `environment \`${env.name}\` is a name previews use (\`preview\`, \`previews\`, \`pr-<number>\`); rename it`);
      }
    }
  }
  const environments = [...config.environments.map((e) => e.name), ...(config.previews ? ["preview"] : [])];
  config.policies.forEach((policy, index) => {
    (policy.match?.environments ?? []).forEach((name, item) => {
      if (!environments.includes(name)) {
        report(
          "unknown-environment",
          pointer("policies", index, "match", "environments", item),
          "value",
          `policy \`${policy.id}\` matches environment \`${name}\`, which is not configured; it will never apply there`,
          "warning",
        );
      }
    });
  });
  return diagnostics;
}
