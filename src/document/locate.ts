/**
 * Findings first, positions last: the one step that turns what the core found (a document and a
 * JSON Pointer) into a located Diagnostic (file:line:column), with the document's source map.
 */
import type { Diagnostic, Finding } from "../core/diagnostic.js";
import { siteIn } from "./site.js";
import type { SourceMap } from "./source-map.js";

/** A document as it was read: the file to name and where each pointer was written. */
export interface LocatedDocument {
  file: string;
  sourceMap: SourceMap;
}

export function locateFinding(finding: Finding, document: LocatedDocument): Diagnostic {
  const { pointer, side } = finding.at;
  const site = side ? siteIn(document.sourceMap, pointer, side) : { path: pointer, ...document.sourceMap.locate(pointer) };
  return {
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
    file: document.file,
    line: site.line,
    column: site.column,
    path: site.path,
  };
}

/**
 * The renderer has no source map: what it says about the manifest carries the document's name as
 * its file, a pointer as its path and 1:1 as its position — a finding. Those about `document` are
 * located here; the rest (about a template, the org config) keep their own position.
 */
export function locateRendered(diagnostics: readonly Diagnostic[], document: string, file: string, sourceMap: SourceMap | undefined): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.file !== document) return d;
    if (!sourceMap) return { ...d, file };
    return locateFinding({ severity: d.severity, code: d.code, message: d.message, at: { document, pointer: d.path } }, { file, sourceMap });
  });
}
