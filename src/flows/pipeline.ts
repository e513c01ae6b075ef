import type { ResolvedConfig } from "../config/types.js";
import type { RenderResult, Source } from "../core/files.js";
import type { ManifestCheck } from "../manifest/check.js";
import { checkManifestAndPolicies } from "../policy/checked-manifest.js";
import { locateRendered } from "../document/locate.js";
import type { SourceMap } from "../document/source-map.js";
import { renderUnits, type RenderOptions } from "../render/index.js";
import type { CompiledTemplateSet } from "../render/templates.js";
import { formatMiB, MAX_INDEX_BYTES } from "../core/bounds.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import { buildIndex } from "../plan/ownership-index.js";
import type { DesiredState } from "../plan/types.js";

/** The pipeline's inputs as one value: what a shell hands to wherever the plan is computed. */
export interface PipelineInput {
  manifestText: string | null;
  file: string;
  config: ResolvedConfig;
  source: Source;
  templates: CompiledTemplateSet;
  options: RenderOptions;
}

/**
 * Where a shell computes the desired state: in its own thread (the CLI, the Action: one manifest
 * per process) or off it (the App: src/app/plan-pool.ts, so one source cannot stall the others).
 */
export type ComputeDesired = (input: PipelineInput) => Promise<DesiredState>;

export const computeInProcess: ComputeDesired = async (input) =>
  desiredState(input.manifestText, input.file, input.config, input.source, input.templates, input.options);

/** `manifestText` null: the manifest was removed, so the source wants nothing (its files go). */
export function desiredState(
  manifestText: string | null,
  file: string,
  config: ResolvedConfig,
  source: Source,
  templates: CompiledTemplateSet,
  options: RenderOptions = {},
): DesiredState {
  const check: ManifestCheck = manifestText === null ? { diagnostics: [], units: [] } : checkManifestAndPolicies(manifestText, file, config);
  const locate = (pointer: string) => check.sourceMap?.locate(pointer);
  const nothing: RenderResult = { files: new Map(), units: [], owned: [], shared: [], diagnostics: [] };
  if (hasErrors(check.diagnostics)) {
    return { check, units: check.units, diagnostics: check.diagnostics, rendered: nothing, index: null, locate };
  }
  let rendered = check.units.length > 0 ? located(renderUnits(check.units, config, source, templates, options), config.manifest, file, check.sourceMap) : nothing;
  let index = hasErrors(rendered.diagnostics) ? null : buildIndex(check.units, rendered, source, config);
  const indexBytes = index ? Buffer.byteLength(index.content, "utf8") : 0;
  if (index && indexBytes > MAX_INDEX_BYTES) {
    rendered = { ...rendered, diagnostics: [...rendered.diagnostics, indexTooLarge(index.path, indexBytes, file, locate)] };
    index = null;
  }
  return { check, units: check.units, diagnostics: check.diagnostics, rendered, index, locate };
}

/** The index lists every file and env variable name of every unit: past its bound it would not fit GitHub, or memory. */
function indexTooLarge(path: string, bytes: number, file: string, locate: DesiredState["locate"]): Diagnostic {
  return {
    severity: "error",
    code: "index-too-large",
    message: `the ownership index of this source (${path}) would be ${bytes} bytes, over the limit of ${formatMiB(MAX_INDEX_BYTES)}: it lists every file and env variable name of every unit; nothing is written: split the services across repositories, or use fewer env variables`,
    file,
    ...(locate("/services") ?? { line: 1, column: 1 }),
    path: "/services",
  };
}

/** The desired state with further findings about the manifest (from outside the core); any error means nothing is planned. */
export function withDiagnostics(desired: DesiredState, extra: Diagnostic[]): DesiredState {
  if (extra.length === 0) return desired;
  const diagnostics = [...desired.check.diagnostics, ...extra];
  const failed = hasErrors(extra);
  return { ...desired, check: { ...desired.check, diagnostics }, diagnostics, ...(failed ? { index: null } : {}) };
}

/** Render diagnostics about the manifest are findings (a pointer, no line): located here, once. */
function located(rendered: RenderResult, renderedAs: string, file: string, sourceMap: SourceMap | undefined): RenderResult {
  return { ...rendered, diagnostics: locateRendered(rendered.diagnostics, renderedAs, file, sourceMap) };
}
