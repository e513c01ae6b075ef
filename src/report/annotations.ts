import type { Diagnostic } from "../core/diagnostic.js";
import { showInvisible } from "./escape.js";

/** A check-run annotation as GitHub's API takes it. */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title: string;
}

export interface AnnotationRange {
  path: string;
  startLine: number;
  endLine: number;
  startColumn?: number;
  endColumn?: number;
}

/** GitHub accepts columns only when the range starts and ends on the same line: dropped otherwise. */
export function annotation(range: AnnotationRange, level: Annotation["annotation_level"], title: string, message: string): Annotation {
  // Plain text in GitHub's UI: hidden and reordering characters are shown, never obeyed.
  const result: Annotation = { path: range.path, start_line: range.startLine, end_line: range.endLine, annotation_level: level, message: showInvisible(message), title: showInvisible(title) };
  if (range.startLine === range.endLine && range.startColumn !== undefined) {
    result.start_column = range.startColumn;
    result.end_column = range.endColumn ?? range.startColumn;
  }
  return result;
}

export function diagnosticAnnotation(d: Diagnostic): Annotation {
  return annotation(
    { path: d.file, startLine: d.line, endLine: d.line, startColumn: d.column, endColumn: d.column },
    d.severity === "error" ? "failure" : "warning",
    d.code,
    d.message,
  );
}

/** Annotations in request-sized batches: the first with the create call, the rest as updates. */
export function annotationBatches(annotations: Annotation[], size: number): Annotation[][] {
  const batches: Annotation[][] = [];
  for (let i = 0; i < annotations.length; i += size) batches.push(annotations.slice(i, i + size));
  return batches;
}
