/**
 * The one org-settings loader, for the App (over `<org>/.github` through the API), the Action (over the
 * workspace) and the CLI (over the working folder): the config, then the files it names — the templates
 * folder and, in helm mode, the chart's values schema — relative to the config file and never outside
 * the source. A file it names that is missing or broken is a diagnostic located where the config names
 * it, the same in every shell.
 */
import { DEFAULT_CONFIG, loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, type Diagnostic, type Finding } from "../core/diagnostic.js";
import { locateFinding } from "../document/locate.js";
import { parseYaml } from "../document/parse.js";
import { defaultTemplates, templateSetWith, type RenderOptions } from "../render/index.js";
import { TEMPLATE_SUFFIX, type CompiledTemplateSet } from "../render/templates.js";
import type { FileSource } from "./file-source.js";
import type { OrgSettings } from "./org-settings.js";
import { configRelativePath } from "./paths.js";

export interface SettingsRequest {
  /** The config file's path in the source. */
  configPath: string;
  /** How diagnostics name the config file. */
  file: string;
  /** Where the settings were read, for messages (`OrgSettings.location`). */
  location: string;
}

/** The config at `configPath` in `source`, with its files; no config there: the built-in defaults. */
export async function loadOrgSettings(source: FileSource, request: SettingsRequest): Promise<OrgSettings> {
  const text = await source.readText(request.configPath);
  if (text === null) {
    return { ok: true, config: DEFAULT_CONFIG, configured: false, location: request.location, templates: defaultTemplates(), renderOptions: {}, diagnostics: [] };
  }
  return settingsFromConfigText(source, text, request);
}

/** The settings from a config text already read (the CLI reads it itself: standard input, encoding checks). */
export async function settingsFromConfigText(source: FileSource, text: string, request: SettingsRequest): Promise<OrgSettings> {
  const loaded = loadConfig(text, request.file);
  if (!loaded.config || hasErrors(loaded.diagnostics)) return { ok: false, location: request.location, diagnostics: loaded.diagnostics };
  const files = await readConfigFiles(source, loaded.config, { ...request, text });
  const diagnostics = [...loaded.diagnostics, ...files.diagnostics];
  if (hasErrors(diagnostics)) return { ok: false, location: request.location, diagnostics };
  return { ok: true, config: loaded.config, configured: true, location: request.location, templates: files.templates, renderOptions: files.renderOptions, diagnostics };
}

export interface ConfigFiles {
  templates: CompiledTemplateSet;
  renderOptions: RenderOptions;
  diagnostics: Diagnostic[];
}

/** The files a loaded config names. `text` (the config's) locates their problems where it names them. */
export async function readConfigFiles(
  source: FileSource,
  config: ResolvedConfig,
  at: { configPath: string; file: string; text: string },
): Promise<ConfigFiles> {
  const problem: Problem = (code, pointer, message) => ({ severity: "error", code, message, at: { document: at.file, pointer, side: "value" } });
  const templates = await readTemplates(source, config.render.templates, at.configPath, problem);
  const schemaPath = config.render.mode === "helm" ? (config.render.chart?.valuesSchema ?? null) : null;
  const schema = await readValuesSchema(source, schemaPath, at.configPath, problem);
  const findings = [...templates.findings, ...schema.findings];
  // Positions last: located in the config, where it names each file (parsed only when something is wrong).
  const document = findings.length > 0 ? { file: at.file, sourceMap: parseYaml(at.text, at.file).sourceMap } : undefined;
  return {
    templates: templates.templates,
    renderOptions: schema.valuesSchema ? { valuesSchema: schema.valuesSchema } : {},
    diagnostics: document ? findings.map((finding) => locateFinding(finding, document)) : [],
  };
}

type Problem = (code: string, pointer: string, message: string) => Finding;

/** The platform team's own templates (`render.templates`), overlaid on the built-ins. */
async function readTemplates(source: FileSource, folder: string | null, configPath: string, problem: Problem): Promise<{ templates: CompiledTemplateSet; findings: Finding[] }> {
  if (folder === null) return { templates: defaultTemplates(), findings: [] };
  const missing = () => ({ templates: defaultTemplates(), findings: [problem("templates-not-found", "/render/templates", `render.templates: the folder \`${folder}\` was not found in ${source.name}`)] });
  const dir = configRelativePath(configPath, folder);
  if (dir === null) return missing();
  const entries = await source.listFiles(dir);
  if (entries === null) return missing();
  const sources: Record<string, string> = {};
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.name.endsWith(TEMPLATE_SUFFIX))) {
    const text = await source.readText(entry.path);
    if (text === null) continue;
    sources[entry.name] = text;
    files[entry.name] = source.displayName(entry.path);
  }
  return { templates: templateSetWith(sources, files), findings: [] };
}

/** The chart's values.schema.json named by `render.chart.valuesSchema` (loadConfig has refused a URL). */
async function readValuesSchema(source: FileSource, location: string | null, configPath: string, problem: Problem): Promise<{ valuesSchema?: object; findings: Finding[] }> {
  if (location === null) return { findings: [] };
  const pointer = "/render/chart/valuesSchema";
  const path = configRelativePath(configPath, location);
  if (path === null) return { findings: [problem("values-schema-not-found", pointer, `render.chart.valuesSchema: \`${location}\` must be a path in ${source.name}`)] };
  const text = await source.readText(path);
  if (text === null) return { findings: [problem("values-schema-not-found", pointer, `render.chart.valuesSchema: \`${location}\` was not found in ${source.name}`)] };
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return { findings: [problem("values-schema-invalid", pointer, `render.chart.valuesSchema: \`${location}\` is not valid JSON (${(error as Error).message})`)] };
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return { findings: [problem("values-schema-invalid", pointer, `render.chart.valuesSchema: \`${location}\` is not a JSON Schema (not a JSON object)`)] };
  }
  return { valuesSchema: schema, findings: [] };
}
