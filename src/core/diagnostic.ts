/** One problem found in a file a user wrote. Line and column are 1-based; path is a JSON Pointer. */
export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code: a rule name (`unknown-field`) or a policy id. */
  code: string;
  /** A sentence for people: what is wrong and how to fix it. */
  message: string;
  file: string;
  line: number;
  column: number;
  /** JSON Pointer into the document, e.g. `/services/api/replicas`; "" for the whole document. */
  path: string;
}

/**
 * A problem before it has a position: what is wrong, about which document, at which JSON Pointer.
 * Rules, policies, config checks and the renderer say what they find; one step gives it its file,
 * line and column (document/locate.ts), where the document's source map is.
 */
export interface Finding {
  severity: Severity;
  code: string;
  message: string;
  at: FindingLocation;
}

export interface FindingLocation {
  /** The document as the core names it: the manifest's configured path, the config file. */
  document: string;
  /** JSON Pointer into it; "" for the whole document. */
  pointer: string;
  /** Point at the key or the value; unset: the nearest written position (the key of a map entry). */
  side?: "key" | "value";
  /**
   * Where it is, when the finder knows and the document has no source map: a template, whose
   * compiler names the line and column (1-based). Without it, such a finding is at 1:1.
   */
  position?: { line: number; column: number };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order for output: file, line, column, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.code.localeCompare(b.code),
  );
}
