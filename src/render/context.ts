/** What one render call shares between units: the config, the encoded constants, the output. */
import type { ResolvedConfig } from "../config/types.js";
import type { ClaimOwner } from "../core/files.js";
import type { DiagnosticCollector } from "./collector.js";
import { templateDiagnostic } from "./diagnostics.js";
import type { TemplateRunner } from "./run-template.js";
import type { ValuesValidator } from "./values-schema.js";
import type { SharedView } from "./view-model.js";

export interface RenderContext {
  config: ResolvedConfig;
  gitopsRepoURL: string;
  /** The source repository (owner/name), written into bookkeeping files. */
  source: string;
  shared: SharedView;
  runner: TemplateRunner;
  diagnostics: DiagnosticCollector;
  /** Org-added templates (not built-in names), rendered per unit into manifests/. */
  orgTemplates: string[];
  validateValues: ValuesValidator | null;
  files: Map<string, string>;
  /** Identity claim files written so far → their unit. */
  claims: Map<string, ClaimOwner>;
  /** Object identity (cluster, namespace, group/kind, name) → who rendered it, to refuse a second object with it. */
  objects: Map<string, string>;
  /** The first line of every file this source owns: whose it is (core/provenance.ts). */
  ownedHeader: string;
}

/**
 * Adds a file unless another template already wrote that path. Paved's own first line goes on top
 * of what the template wrote: the file then says whose it is whatever the org's templates do.
 */
export function addFile(ctx: RenderContext, path: string, text: string, templateFile: string, subject: string, header = ctx.ownedHeader): boolean {
  if (ctx.files.has(path)) {
    ctx.diagnostics.add(
      templateDiagnostic(templateFile, "render-path-conflict", `template ${templateFile} writes ${path}, which another template already wrote`),
      subject,
    );
    return false;
  }
  ctx.files.set(path, header + text);
  return true;
}
