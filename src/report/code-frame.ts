/**
 * The source line under a located message, with a caret under its column — what the demo shows and
 * what `paved validate` prints on a terminal:
 *
 *       9 |     image: ghcr.io/acme/api:latest
 *         |            ^
 */
import type { Paint } from "./ansi.js";
import { escapeTerminal } from "./escape.js";

/** The two lines of the frame (no indent, no newline), or none when the line is not in the source. */
export function codeFrame(source: string, line: number, column: number, paint: Paint): string[] {
  const text = source.split("\n")[line - 1];
  if (text === undefined) return [];
  const shown = escapeTerminal(text.replace(/\r$/, "").replace(/\t/g, " "));
  return [
    `${paint("dim", `${String(line).padStart(5)} |`)} ${shown}`,
    `${paint("dim", `${" ".repeat(5)} |`)} ${" ".repeat(Math.max(0, column - 1))}${paint("red", "^")}`,
  ];
}
