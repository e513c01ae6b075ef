/** The render step's diagnostics: about the manifest's data, a template, or the org config. */
import type { Diagnostic } from "../core/diagnostic.js";
import type { Unit } from "../core/unit.js";
import { originOf } from "../manifest/resolve.js";

/** The org config's usual home; the render step does not know which file the caller loaded. */
export const CONFIG_FILE = ".github/paved.yml";

/**
 * A problem with a unit's data: a finding about the manifest at a JSON Pointer (line/column 1: the
 * render step has no source map). document/locate.ts `locateRendered` gives it its line, once.
 */
export function unitDiagnostic(manifestFile: string, unit: Unit, field: string, code: string, message: string): Diagnostic {
  return { severity: "error", code, message, file: manifestFile, line: 1, column: 1, path: originOf(unit, field) };
}

/** A problem in a template file, or in what it produced. */
export function templateDiagnostic(file: string, code: string, message: string, line = 1, column = 1): Diagnostic {
  return { severity: "error", code, message, file, line, column, path: "" };
}

export function configDiagnostic(code: string, message: string, path: string): Diagnostic {
  return { severity: "error", code, message, file: CONFIG_FILE, line: 1, column: 1, path };
}
