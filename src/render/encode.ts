/**
 * YAML-safe scalars for templates. Every value taken from a manifest is encoded here before a
 * template sees it, so wherever a template places it, it is one complete scalar token: quotes,
 * newlines, `---`, `#`, `{{` or control characters in the data cannot change the document's shape.
 */

/** Text that is already a complete YAML scalar (quoted string, number or boolean). */
export type YamlScalar = string & { readonly __yamlScalar: true };

/** A user-controlled key with its value: map keys never become template text. */
export interface Entry {
  name: YamlScalar;
  value: YamlScalar;
}

const PLAIN_SAFE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

/**
 * A double-quoted YAML scalar holding exactly `text`. Only printable ASCII stays raw: YAML forbids
 * C1 controls, DEL and lone surrogates raw, so everything else is escaped. Astral characters use
 * `\UXXXXXXXX` (one code point, which Go's YAML parser in Argo CD decodes correctly); a lone
 * surrogate has no valid YAML form and is written `\uXXXX`, which JavaScript parsers restore.
 */
export function yamlString(text: string): YamlScalar {
  if (PLAIN_SAFE.test(text)) return `"${text}"` as YamlScalar;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && ch !== '"' && ch !== "\\") {
      out += ch;
    } else if (SHORT_ESCAPES[ch] !== undefined) {
      out += SHORT_ESCAPES[ch];
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      out += "\\U" + hex(text.codePointAt(i)!, 8);
      i++;
    } else {
      out += "\\u" + hex(code, 4);
    }
  }
  return (out + '"') as YamlScalar;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** A plain YAML number; non-finite values use YAML's own spellings so they stay numbers. */
export function yamlNumber(value: number): YamlScalar {
  if (Number.isNaN(value)) return ".nan" as YamlScalar;
  if (value === Infinity) return ".inf" as YamlScalar;
  if (value === -Infinity) return "-.inf" as YamlScalar;
  return String(value) as YamlScalar;
}

/** A scalar keeping its type: strings quoted, numbers and booleans plain. */
export function yamlScalar(value: string | number | boolean): YamlScalar {
  if (typeof value === "string") return yamlString(value);
  if (typeof value === "number") return yamlNumber(value);
  return String(value) as YamlScalar;
}

export function yamlStringOrNull(text: string | undefined | null): YamlScalar | null {
  return text === undefined || text === null ? null : yamlString(text);
}

/** Code-unit order: the same in every locale, so output bytes never depend on the machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `{name, value}` entries sorted by name, from raw keys and already-encoded values. */
export function entries(pairs: ReadonlyArray<readonly [string, YamlScalar]>): Entry[] {
  return [...pairs]
    .sort((a, b) => compareText(a[0], b[0]))
    .map(([name, value]) => ({ name: yamlString(name), value }));
}
