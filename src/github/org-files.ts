import { posix } from "node:path";
import type { Diagnostic } from "../core/diagnostic.js";
import { defaultTemplates, templateSetWith } from "../render/index.js";
import { TEMPLATE_SUFFIX, type CompiledTemplateSet } from "../render/templates.js";
import { httpStatus, type GitHub } from "./client.js";
import { ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "./org-config.js";
import { readFileAt } from "./read-file.js";



/** Paths in the org config are relative to the config file, inside the org's `.github` repository. */
export function orgPath(relative: string): string | null {
  const path = posix.normalize(posix.join(posix.dirname(ORG_CONFIG_PATH), relative));
  return path.startsWith("../") || path === ".." || posix.isAbsolute(path) ? null : path;
}

function configProblem(code: string, message: string, path: string): Diagnostic {
  return { severity: "error", code, message, file: ORG_CONFIG_PATH, line: 1, column: 1, path };
}

/** The platform team's own templates (`render.templates`), overlaid on the built-ins. */
export async function readOrgTemplates(
  gh: GitHub,
  org: string,
  folder: string | null,
  ref?: string,
): Promise<{ templates: CompiledTemplateSet; diagnostics: Diagnostic[] }> {
  if (folder === null) return { templates: defaultTemplates(), diagnostics: [] };
  const dir = orgPath(folder);
  const repo = { owner: org, repo: ORG_CONFIG_REPO };
  const missing = { templates: defaultTemplates(), diagnostics: [configProblem("templates-not-found", `render.templates: the folder \`${folder}\` was not found in ${org}/${ORG_CONFIG_REPO}`, "/render/templates")] };
  if (dir === null) return missing;
  let entries: Array<{ name: string; type: string; path: string }>;
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", { ...repo, path: dir, ...(ref ? { ref } : {}) });
    if (!Array.isArray(data)) return missing;
    entries = data;
  } catch (error) {
    if (httpStatus(error) === 404) return missing;
    throw error;
  }
  const sources: Record<string, string> = {};
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.type === "file" && e.name.endsWith(TEMPLATE_SUFFIX))) {
    const text = await readFileAt(gh, repo, entry.path, ref);
    if (text === null) continue;
    sources[entry.name] = text;
    files[entry.name] = `${org}/${ORG_CONFIG_REPO}/${entry.path}`;
  }
  return { templates: templateSetWith(sources, files), diagnostics: [] };
}

/** The chart's values.schema.json named by `render.chart.valuesSchema`, from the org's `.github` repository. */
export async function readOrgValuesSchema(
  gh: GitHub,
  org: string,
  location: string | null,
  ref?: string,
): Promise<{ valuesSchema?: object; diagnostics: Diagnostic[] }> {
  if (location === null) return { diagnostics: [] };
  // loadConfig refuses a URL; a path that leaves the repository is refused here.
  const path = orgPath(location);
  if (path === null) {
    return { diagnostics: [configProblem("values-schema-not-found", `render.chart.valuesSchema: \`${location}\` must be a path in ${org}/${ORG_CONFIG_REPO}`, "/render/chart/valuesSchema")] };
  }
  const text = await readFileAt(gh, { owner: org, repo: ORG_CONFIG_REPO }, path, ref);
  if (text === null) {
    return { diagnostics: [configProblem("values-schema-not-found", `render.chart.valuesSchema: \`${location}\` was not found in ${org}/${ORG_CONFIG_REPO}`, "/render/chart/valuesSchema")] };
  }
  try {
    return { valuesSchema: JSON.parse(text) as object, diagnostics: [] };
  } catch (error) {
    return { diagnostics: [configProblem("values-schema-invalid", `render.chart.valuesSchema: \`${location}\` is not valid JSON (${(error as Error).message})`, "/render/chart/valuesSchema")] };
  }
}
