/**
 * The render step's findings: about the manifest's data, a template, or the org config. The render
 * step has no source map: it says which document and which pointer, and whoever read the documents
 * locates them once (document/locate.ts `locateFindings`).
 */
import type { Finding } from "../core/diagnostic.js";
import { ORG_CONFIG_PATH } from "../core/org-config-path.js";
import type { Unit } from "../core/unit.js";
import { originOf } from "../manifest/resolve.js";

/** How render findings name the org config: the render step does not know which file the caller loaded. */
export const CONFIG_DOCUMENT = ORG_CONFIG_PATH;

/** A problem with a unit's data: about the manifest (named as the config names it), where the field was written. */
export function unitFinding(manifest: string, unit: Unit, field: string, code: string, message: string): Finding {
  return { severity: "error", code, message, at: { document: manifest, pointer: originOf(unit, field) } };
}

/** A problem in a template file, or in what it produced; at the line and column Handlebars names, if any. */
export function templateFinding(file: string, code: string, message: string, line?: number, column?: number): Finding {
  const position = line === undefined ? undefined : { line, column: column ?? 1 };
  return { severity: "error", code, message, at: { document: file, pointer: "", ...(position ? { position } : {}) } };
}

/** A problem with the org config, at the field that causes it. */
export function configFinding(code: string, message: string, pointer: string): Finding {
  return { severity: "error", code, message, at: { document: CONFIG_DOCUMENT, pointer } };
}
