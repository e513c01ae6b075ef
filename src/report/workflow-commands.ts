/**
 * Diagnostics as GitHub Actions workflow commands (`::error file=…,line=…::message`), which the
 * runner turns into annotations: `paved … --format github` and the Action print the same lines.
 */
import type { Diagnostic } from "../core/diagnostic.js";
import { showInvisible } from "./escape.js";

/** Workflow-command escaping, as @actions/core does it. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const properties = [
        `file=${escapeCommandProperty(d.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `title=${escapeCommandProperty(`Paved: ${d.code}`)}`,
      ].join(",");
      return `::${d.severity} ${properties}::${escapeCommandData(showInvisible(d.message))}\n`;
    })
    .join("");
}
