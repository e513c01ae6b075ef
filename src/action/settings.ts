/**
 * The org settings for the Action, read from the workspace — the checkout of the default branch
 * (with `pull_request_target`, the base) — where the app reads them from `<org>/.github` through the
 * API. The same shape (`OrgSettings`), handed to the same flows.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { OrgSettings } from "../github/org-settings.js";
import { defaultTemplates, loadTemplateSet, type RenderOptions } from "../render/index.js";
import type { CompiledTemplateSet } from "../render/templates.js";
import { ActionError } from "./inputs.js";

export async function workspaceSettings(workspace: string, configPath: string, manifest: string): Promise<OrgSettings> {
  const absolute = resolve(workspace, configPath);
  // Diagnostics and annotations name the file as GitHub does: relative to the repository root.
  const file = relative(workspace, absolute) || configPath;
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ActionError(
      code === "ENOENT"
        ? `the org config \`${configPath}\` is not in the workspace (${absolute}): check out the default branch before this step (actions/checkout), or point the \`config\` input at it; an empty file keeps every default`
        : `cannot read the org config ${absolute}: ${(error as Error).message}`,
    );
  }
  const location = `${file} (workspace)`;
  const loaded = loadConfig(text, file);
  if (!loaded.config || hasErrors(loaded.diagnostics)) return { ok: false, location, diagnostics: loaded.diagnostics };
  const config: ResolvedConfig = manifest ? { ...loaded.config, manifest } : loaded.config;
  const base = dirname(absolute);
  const templates = await readTemplates(base, config, file);
  const schema = await readValuesSchema(base, config, file);
  const diagnostics = [...loaded.diagnostics, ...templates.diagnostics, ...schema.diagnostics];
  if (hasErrors(diagnostics)) return { ok: false, location, diagnostics };
  return { ok: true, config, configured: true, location, templates: templates.set, renderOptions: schema.options, diagnostics };
}

function problem(file: string, code: string, message: string, path: string): Diagnostic {
  return { severity: "error", code, message, file, line: 1, column: 1, path };
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** `render.templates` is a folder relative to the config file. */
async function readTemplates(base: string, config: ResolvedConfig, file: string): Promise<{ set: CompiledTemplateSet; diagnostics: Diagnostic[] }> {
  const folder = config.render.templates;
  if (folder === null) return { set: defaultTemplates(), diagnostics: [] };
  const dir = resolve(base, folder);
  if (!(await isDirectory(dir))) {
    return { set: defaultTemplates(), diagnostics: [problem(file, "templates-not-found", `render.templates: the folder \`${folder}\` was not found next to ${file} in the workspace`, "/render/templates")] };
  }
  return { set: loadTemplateSet(dir), diagnostics: [] };
}

/** `render.chart.valuesSchema` (helm mode) is a JSON file relative to the config file (loadConfig refuses URLs). */
async function readValuesSchema(base: string, config: ResolvedConfig, file: string): Promise<{ options: RenderOptions; diagnostics: Diagnostic[] }> {
  const location = config.render.mode === "helm" ? config.render.chart?.valuesSchema : undefined;
  if (!location) return { options: {}, diagnostics: [] };
  const at = "/render/chart/valuesSchema";
  let text: string;
  try {
    text = await readFile(resolve(base, location), "utf8");
  } catch {
    return { options: {}, diagnostics: [problem(file, "values-schema-not-found", `render.chart.valuesSchema: \`${location}\` was not found next to ${file} in the workspace`, at)] };
  }
  try {
    return { options: { valuesSchema: JSON.parse(text) as object }, diagnostics: [] };
  } catch (error) {
    return { options: {}, diagnostics: [problem(file, "values-schema-invalid", `render.chart.valuesSchema: \`${location}\` is not valid JSON (${(error as Error).message})`, at)] };
  }
}
