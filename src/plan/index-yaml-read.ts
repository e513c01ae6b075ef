/**
 * Reads an ownership index back without js-yaml's general loader, which took ~60 ms on a cold
 * process for a 100-service index: only the block layout index-yaml.ts writes is accepted (two
 * spaces per level, lists indented under their key, one scalar per line), and every value it reads
 * is one js-yaml reads the same. Anything else (a hand edit, a comment past the header, a quoted
 * key, a multi-line string) returns undefined and the caller loads the text with js-yaml, which
 * also gives the error. test/ownership-index-read.test.ts holds the two equal on generated and
 * mutated indexes.
 */
import { load } from "js-yaml";
import { PLAIN, RESERVED } from "./index-yaml.js";

class NotSimple extends Error {}

/** A `key:` or `key: value` line's body; keys and strings of the writer's plain class read as themselves (not RESERVED words). */
const KEY = /^([A-Za-z][A-Za-z0-9_./-]*):(?: (.*))?$/;
const INTEGER = /^(?:0|-?[1-9][0-9]{0,14})$/;
/** One double-quoted scalar, or one plain token starting with a digit (`250m`, `1.5`): read by js-yaml alone, the same as in place. */
const QUOTED = /^"(?:[^"\\]|\\.)*"$/;
const DIGIT_FIRST = /^[0-9][A-Za-z0-9._/@+~=-]*(?::[A-Za-z0-9._/@+~=-]+)*$/;

/** The value of an index text, or undefined when it is not in the written layout. */
export function readIndexYaml(text: string): unknown {
  // js-yaml refuses a NUL anywhere, comments included.
  if (!text.endsWith("\n") || /[\t\r\0]/.test(text)) return undefined;
  const lines = text.slice(0, -1).split("\n");
  let at = 0;
  while (at < lines.length && lines[at]!.startsWith("#")) at++;
  try {
    const reader = new Reader(lines, at);
    const value = reader.mapping(0, undefined);
    return reader.done() ? value : undefined;
  } catch (error) {
    if (error instanceof NotSimple) return undefined;
    throw error;
  }
}

const scalars = new Map<string, string | number | boolean>();

function scalar(text: string): unknown {
  if (PLAIN.test(text) && !text.endsWith(":") && !RESERVED.has(text)) return text;
  if (text === "[]") return [];
  if (text === "{}") return {};
  if (text === "true" || text === "false") return text === "true";
  if (INTEGER.test(text)) return Number(text);
  if (!QUOTED.test(text) && !DIGIT_FIRST.test(text)) throw new NotSimple();
  let value = scalars.get(text);
  if (value === undefined) {
    const loaded = load(text);
    // A date or null is left to the full loader (a Date must not be shared between reads).
    if (typeof loaded !== "string" && typeof loaded !== "number" && typeof loaded !== "boolean") throw new NotSimple();
    value = loaded;
    if (scalars.size < 10_000) scalars.set(text, value);
  }
  return value;
}

class Reader {
  constructor(
    private readonly lines: readonly string[],
    private at: number,
  ) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  /** The body of the next line if it is indented exactly `indent`, else undefined. */
  private peek(indent: number): string | undefined {
    const line = this.lines[this.at];
    if (line === undefined) return undefined;
    let spaces = 0;
    while (line.charCodeAt(spaces) === 32) spaces++;
    if (spaces !== indent) {
      if (spaces > indent) throw new NotSimple(); // deeper than the layout puts anything
      return undefined;
    }
    return line.slice(indent);
  }

  /** A mapping whose keys stand at `indent`; `first` is a pair already on a `- ` line. */
  mapping(indent: number, first: string | undefined): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    let body = first;
    if (body === undefined) {
      body = this.peek(indent);
      if (body === undefined) throw new NotSimple();
      this.at++;
    }
    for (;;) {
      const pair = KEY.exec(body);
      if (!pair) throw new NotSimple();
      const key = pair[1]!;
      if (RESERVED.has(key) || Object.hasOwn(object, key)) throw new NotSimple();
      object[key] = pair[2] === undefined ? this.block(indent + 2) : scalar(pair[2]);
      body = this.peek(indent);
      if (body === undefined) return object;
      this.at++;
    }
  }

  /** The non-empty mapping or list under a `key:` line. */
  private block(indent: number): unknown {
    const body = this.peek(indent);
    if (body === undefined) throw new NotSimple(); // `key:` alone is null in YAML
    return body.startsWith("- ") ? this.sequence(indent) : this.mapping(indent, undefined);
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      const body = this.peek(indent);
      if (body === undefined || !body.startsWith("- ")) return items;
      this.at++;
      const item = body.slice(2);
      items.push(KEY.test(item) ? this.mapping(indent + 2, item) : scalar(item));
    }
  }
}
