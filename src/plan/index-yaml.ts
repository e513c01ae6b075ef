/**
 * The ownership index's YAML, byte for byte what js-yaml's `dump` writes with `INDEX_DUMP_OPTIONS`,
 * without its per-node machinery: writing the index of 100 services with `dump` was ~15% of a cold
 * `paved plan`. The index is plain data (mappings, lists, single-line strings, integers, booleans),
 * so the block layout is fixed; each string is written plain when it is certainly plain (checked
 * below), else js-yaml writes that one scalar. Anything outside that shape (a multi-line string,
 * a long key, a float, null) hands the whole value to `dump`. test/ownership-index-yaml.test.ts
 * holds the two equal over generated indexes with hostile strings.
 */
import { dump, type DumpOptions } from "js-yaml";

/** How Paved has always dumped the index (folding off, so a line never depends on its indent). */
export const INDEX_DUMP_OPTIONS: DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

/** Thrown inside the writer when a value is not of the simple shape; `dumpIndexYaml` then uses `dump`. */
class NotSimple extends Error {}

/**
 * Strings js-yaml writes plain, unquoted: a letter, `/` or `.` and a letter first (so never a number,
 * a date, `.inf` or `.nan`: those are excluded),
 * then no space, quote, flow indicator or other YAML indicator, and not ending in `:`. Words YAML
 * reads as null or a boolean (YAML 1.1's `yes`/`off` included, which js-yaml quotes) are excluded.
 */
export const PLAIN = /^(?:[A-Za-z/]|\.(?!(?:inf|Inf|INF|nan|NaN|NAN)$)[A-Za-z])[A-Za-z0-9._/@:#+~=-]*$/;
const PLAIN_LAST = /[^:]$/;
export const RESERVED = new Set(["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"]);
/** js-yaml writes a key longer than this as an explicit `? key` pair. */
const MAX_IMPLICIT_KEY = 1024;

/** `dump(value)` with `INDEX_DUMP_OPTIONS`, the same bytes. */
export function dumpIndexYaml(value: unknown): string {
  return simpleYaml(value) ?? dump(value, INDEX_DUMP_OPTIONS);
}

/** The dedicated writer alone: undefined when `value` is not of the simple shape (exported for its test). */
export function simpleYaml(value: unknown): string | undefined {
  try {
    const out: string[] = [];
    writeNode(out, value, 0, true);
    return out.join("") + "\n";
  } catch (error) {
    if (error instanceof NotSimple) return undefined;
    throw error;
  }
}

const scalars = new Map<string, string>();

function scalar(text: string, key: boolean): string {
  if (text.includes("\n") || (key && text.length > MAX_IMPLICIT_KEY)) throw new NotSimple();
  if (PLAIN.test(text) && PLAIN_LAST.test(text) && !RESERVED.has(text)) return text;
  // A single-line scalar's form does not depend on where it stands: js-yaml writes it alone the same.
  let written = scalars.get(text);
  if (written === undefined) {
    written = dump(text, INDEX_DUMP_OPTIONS).slice(0, -1);
    if (scalars.size < 10_000) scalars.set(text, written);
  }
  return written;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Appends `value` at nesting `level`; `compact` when it follows `- ` (or starts the document) on the same line. */
function writeNode(out: string[], value: unknown, level: number, compact: boolean): void {
  switch (typeof value) {
    case "string":
      out.push(value === "" ? '""' : scalar(value, false));
      return;
    case "number":
      if (!Number.isInteger(value) || Object.is(value, -0)) throw new NotSimple();
      out.push(String(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object":
      if (value === null) throw new NotSimple();
      if (Array.isArray(value)) return writeSequence(out, value, level, compact);
      if (!isPlainObject(value)) throw new NotSimple();
      return writeMapping(out, value, level, compact);
    default:
      throw new NotSimple();
  }
}

function newline(level: number): string {
  return "\n" + "  ".repeat(level);
}

function writeSequence(out: string[], items: readonly unknown[], level: number, compact: boolean): void {
  if (items.length === 0) {
    out.push("[]");
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === undefined) throw new NotSimple();
    if (!compact || i > 0) out.push(newline(level));
    out.push("- ");
    writeNode(out, item, level + 1, true);
  }
}

function writeMapping(out: string[], object: Record<string, unknown>, level: number, compact: boolean): void {
  const keys = Object.keys(object);
  if (keys.length === 0) {
    out.push("{}");
    return;
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = object[key];
    if (value === undefined) throw new NotSimple();
    if (!compact || i > 0) out.push(newline(level));
    out.push(key === "" ? '""' : scalar(key, true));
    // A non-empty mapping or list starts on the next line (js-yaml then writes `key:` without a space).
    const nested = typeof value === "object" && value !== null && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
    out.push(nested ? ":" : ": ");
    writeNode(out, value, level + 1, false);
  }
}
