/**
 * One diagnostic on one terminal line: `file:line:column: severity …`, the position first, which
 * editors and terminals turn into a link. The surfaces differ only in where the code goes: the plan
 * text puts it before the message (`error image-tag: …`), `paved validate` after it in brackets
 * (`error: … [image-tag]`), the config errors of `paved status` leave it out. Everything a user
 * wrote is escaped: its control characters never reach the terminal.
 */
import type { Diagnostic } from "../core/diagnostic.js";
import { escapeTerminalLine } from "./escape.js";

export interface DiagnosticLineStyle {
  code: "before" | "after" | "none";
  /** The severity as shown (a painted one on a colour terminal). */
  severity?: string;
}

export function diagnosticLine(d: Diagnostic, style: DiagnosticLineStyle): string {
  const position = `${escapeTerminalLine(d.file)}:${d.line}:${d.column}`;
  const severity = style.severity ?? d.severity;
  const message = escapeTerminalLine(d.message);
  const code = escapeTerminalLine(d.code);
  if (style.code === "before") return `${position}: ${severity} ${code}: ${message}`;
  if (style.code === "after") return `${position}: ${severity}: ${message} [${code}]`;
  return `${position}: ${severity}: ${message}`;
}
