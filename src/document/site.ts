/** Where a JSON Pointer of a parsed document is in its file, and how a person names it. */
import type { SourceMap } from "./source-map.js";
import { clip } from "./suggest.js";

export interface Site {
  /** JSON Pointer in the file the user wrote. */
  path: string;
  line: number;
  column: number;
}

/** Where a pointer is in the file: at its key for mappings and names, else at its value. */
export function siteIn(sourceMap: SourceMap, path: string, at: "key" | "value"): Site {
  const position = (at === "key" ? sourceMap.key(path) : sourceMap.value(path)) ?? sourceMap.locate(path);
  return { path, line: position.line, column: position.column };
}

/** `autoscaling.max`, `env.LOG_LEVEL`, `command[0]`: a field as a person would name it. */
export function dotted(tokens: readonly string[]): string {
  let out = "";
  for (const raw of tokens) {
    const token = clip(raw);
    if (/^(0|[1-9][0-9]*)$/.test(token)) out += `[${token}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(token)) out += (out ? "." : "") + token;
    else out += `[${JSON.stringify(token)}]`;
  }
  return out;
}
