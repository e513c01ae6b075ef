import { DEFAULT_CONFIG, loadConfig } from "../config/load.js";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { RenderOptions } from "../render/index.js";
import type { CompiledTemplateSet } from "../render/templates.js";
import type { GitHub } from "./client.js";
import { ORG_CONFIG_PATH, readOrgConfig } from "./org-config.js";
import { readOrgTemplates, readOrgValuesSchema } from "./org-files.js";

/** Everything the platform team decides, read from `<org>/.github` on its default branch. */
export type OrgSettings =
  | {
      ok: true;
      config: ResolvedConfig;
      /** False when the org has no paved.yml: built-in defaults, and no GitOps repository. */
      configured: boolean;
      location: string;
      templates: CompiledTemplateSet;
      renderOptions: RenderOptions;
      diagnostics: Diagnostic[];
    }
  | { ok: false; location: string; diagnostics: Diagnostic[] };

/** `ref` reads a proposed or pushed config of `<org>/.github` (a pull request's head, a fleet re-render); without it, the default branch's. */
export async function readOrgSettings(gh: GitHub, org: string, ref?: string): Promise<OrgSettings> {
  const source = await readOrgConfig(gh, org, ref);
  if (source.text === null) {
    const { templates } = await readOrgTemplates(gh, org, null, ref);
    return { ok: true, config: DEFAULT_CONFIG, configured: false, location: source.location, templates, renderOptions: {}, diagnostics: [] };
  }
  const loaded = loadConfig(source.text, ORG_CONFIG_PATH);
  if (!loaded.config || hasErrors(loaded.diagnostics)) return { ok: false, location: source.location, diagnostics: loaded.diagnostics };
  const config = loaded.config;
  const { templates, diagnostics: templateDiagnostics } = await readOrgTemplates(gh, org, config.render.templates, ref);
  const schema = config.render.mode === "helm" ? await readOrgValuesSchema(gh, org, config.render.chart?.valuesSchema ?? null, ref) : { diagnostics: [] };
  const diagnostics = [...loaded.diagnostics, ...templateDiagnostics, ...schema.diagnostics];
  if (hasErrors(diagnostics)) return { ok: false, location: source.location, diagnostics };
  return {
    ok: true,
    config,
    configured: true,
    location: source.location,
    templates,
    renderOptions: schema.valuesSchema ? { valuesSchema: schema.valuesSchema } : {},
    diagnostics,
  };
}
