/** What one render call shares between units: the config, the encoded constants, the output. */
import type { ResolvedConfig } from "../config/types.js";
import type { ClaimOwner } from "../core/files.js";
import { formatMiB, MAX_RENDERED_BYTES, MAX_RENDERED_FILE_BYTES } from "../core/bounds.js";
import type { Finding } from "../core/diagnostic.js";
import type { Unit } from "../core/unit.js";
import type { FindingCollector } from "./collector.js";
import { templateFinding, unitFinding } from "./findings.js";
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
  findings: FindingCollector;
  /** Org-added templates (not built-in names), rendered per unit into manifests/. */
  orgTemplates: string[];
  validateValues: ValuesValidator | null;
  files: Map<string, string>;
  /** Identity claim files written so far → their unit. */
  claims: Map<string, ClaimOwner>;
  /** Object identity (cluster, namespace, group/kind, name) → who rendered it, to refuse a second object with it. */
  objects: Map<string, string>;
  /** UTF-8 bytes of `files` so far, against MAX_RENDERED_BYTES. */
  bytes: number;
  /** Set once the files would cross MAX_RENDERED_BYTES: rendering stops, nothing of this source is written. */
  overBudget: boolean;
  /** The first line of every file this source owns: whose it is (core/provenance.ts). */
  ownedHeader: string;
}

/**
 * Adds a file unless another template already wrote that path, or it would cross a size bound
 * (core/bounds.ts): the diagnostic then names the file and, located at its service, the unit.
 * Paved's own first line goes on top of what the template wrote: the file then says whose it is
 * whatever the org's templates do.
 */
export function addFile(
  ctx: RenderContext,
  path: string,
  text: string,
  templateFile: string,
  subject: string,
  options: { header?: string; unit?: Unit } = {},
): boolean {
  if (ctx.overBudget) return false;
  if (ctx.files.has(path)) {
    ctx.findings.add(
      templateFinding(templateFile, "render-path-conflict", `template ${templateFile} writes ${path}, which another template already wrote`),
      subject,
    );
    return false;
  }
  const content = (options.header ?? ctx.ownedHeader) + text;
  const bytes = Buffer.byteLength(content, "utf8");
  const at = (code: string, message: string): Finding =>
    options.unit ? unitFinding(ctx.config.manifest, options.unit, "", code, message) : templateFinding(templateFile, code, message);
  if (bytes > MAX_RENDERED_FILE_BYTES) {
    ctx.findings.add(
      at(
        "render-file-too-large",
        `${path} would be ${bytes} bytes, over the limit of ${formatMiB(MAX_RENDERED_FILE_BYTES)} for one rendered file (Kubernetes could not store an object that large): shorten the values that go into it (env, args, command)`,
      ),
      subject,
    );
    return false;
  }
  if (ctx.bytes + bytes > MAX_RENDERED_BYTES) {
    ctx.overBudget = true;
    ctx.findings.add(
      at(
        "render-too-large",
        `the rendered files of this manifest would be over ${formatMiB(MAX_RENDERED_BYTES)} in all (crossed at ${path}); nothing is written: split the services across repositories or shorten their values`,
      ),
      subject,
    );
    return false;
  }
  ctx.bytes += bytes;
  ctx.files.set(path, content);
  return true;
}
