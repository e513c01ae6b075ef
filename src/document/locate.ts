/**
 * Findings first, positions last: the one step that turns what the core found (a document and a
 * JSON Pointer) into a located Diagnostic (file:line:column), with the document's source map.
 */
import { sortDiagnostics, type Diagnostic, type Finding } from "../core/diagnostic.js";
import type { RenderOutput, RenderResult } from "../core/files.js";
import { siteIn } from "./site.js";
import type { SourceMap } from "./source-map.js";

/** A YAML document as it was read, not parsed yet: parsed for its source map only when a finding is about it. */
export interface DocumentText {
  file: string;
  text: string;
}

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

/** Where each pointer of a document was written, when only that is at hand (a plan's `locate`). */
export type PointerLocator = (pointer: string) => { line: number; column: number } | undefined;

/** A finding located by a PointerLocator: at the nearest written position, 1:1 when it has none. */
export function locateFindingAt(finding: Finding, file: string, locate: PointerLocator): Diagnostic {
  const { line, column } = locate(finding.at.pointer) ?? { line: 1, column: 1 };
  return { severity: finding.severity, code: finding.code, message: finding.message, file, line, column, path: finding.at.pointer };
}

/**
 * The documents a set of findings may be about, by the name the core gives them (`at.document`):
 * the file to name, and its source map when it was parsed here. A finding about a document not
 * listed (a template) names that document as its file, at its own position or 1:1.
 */
export type FindingDocuments = Record<string, { file: string; sourceMap?: SourceMap | undefined }>;

export function locateFindings(findings: readonly Finding[], documents: Readonly<FindingDocuments>): Diagnostic[] {
  return sortDiagnostics(
    findings.map((finding) => {
      const document = Object.hasOwn(documents, finding.at.document) ? documents[finding.at.document]! : undefined;
      if (document?.sourceMap) return locateFinding(finding, { file: document.file, sourceMap: document.sourceMap });
      const { line, column } = finding.at.position ?? { line: 1, column: 1 };
      return { severity: finding.severity, code: finding.code, message: finding.message, file: document?.file ?? finding.at.document, line, column, path: finding.at.pointer };
    }),
  );
}

/** A render's output with its findings located in the documents the caller read. */
export function locatedRender({ findings, ...rendered }: RenderOutput, documents: Readonly<FindingDocuments>): RenderResult {
  return { ...rendered, diagnostics: locateFindings(findings, documents) };
}
