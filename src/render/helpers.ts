/**
 * The one helper templates get: `{{concat a "-" b}}` joins view-model scalars and template
 * literals into ONE new encoded scalar. Writing `{{service.name}}-extra` would put text after a
 * closing quote (invalid YAML, refused at parse-back); concat is the safe way to build names.
 */
import { yamlString } from "./encode.js";

const ENCODED = /^"(?:[^"\\]|\\.)*"$/;

/** The text an encoded scalar holds (encode.ts writes JSON-style escapes plus `\UXXXXXXXX`). */
export function decodeScalar(scalar: string): string {
  // JSON has no 8-digit escape: rewrite `\UXXXXXXXX` as its UTF-16 `\uXXXX` units, keep the rest.
  const json = scalar.replace(/\\(U[0-9A-Fa-f]{8}|[\s\S])/g, (escape, body: string) => {
    if (body.length === 1) return escape;
    const text = String.fromCodePoint(parseInt(body.slice(1), 16));
    let units = "";
    for (let i = 0; i < text.length; i++) units += "\\u" + text.charCodeAt(i).toString(16).padStart(4, "0");
    return units;
  });
  return JSON.parse(json) as string;
}

function part(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  // View-model strings are always encoded; a template literal never is (the author wrote it bare).
  return ENCODED.test(text) ? decodeScalar(text) : text;
}

export function concat(...args: unknown[]): string {
  // Handlebars passes its options object last.
  return yamlString(args.slice(0, -1).map(part).join(""));
}
