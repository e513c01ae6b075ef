/**
 * Untrusted YAML → plain JSON data + source map + located diagnostics. Never throws, never hangs.
 *
 * Pipeline: size check → cheap nesting pre-scan → yaml's CST parser (iterative) → exact nesting
 * check on the CST → yaml's composer (recursive, hence the two depth checks) → one walk over the
 * AST that builds the value and the source map and enforces duplicate keys and alias limits.
 */
// `yaml`, not js-yaml: only its CST and composer give every node's source range, for file:line:column diagnostics.
import { Composer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq, type CST, type Document } from "yaml";
import { reportSyntaxErrors, type YamlError } from "./syntax-fix.js";
import { sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import { formatMiB, MAX_EXPANDED_BYTES, MAX_MANIFEST_BYTES } from "../core/bounds.js";
import { escapePointerToken } from "../core/pointer.js";
import { SourceMapBuilder, type Position, type SourceMap } from "./source-map.js";

export type { Position, SourceMap } from "./source-map.js";

export interface ParseResult {
  /** Plain JSON data (objects, arrays, strings, numbers, booleans, null), or undefined when the file could not be parsed. */
  value: unknown;
  sourceMap: SourceMap;
  diagnostics: Diagnostic[]; // severity "error" for every parse problem
  /** The text the author wrote for each number and boolean, by JSON Pointer (`0123`, `1.10`, `True`). */
  literals: ReadonlyMap<string, string>;
}

export interface ParseLimits {
  maxBytes: number;
  /** Bytes of keys and scalars once aliases are expanded (see core/bounds.ts). */
  maxExpandedBytes: number;
  maxAliasCount: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: ParseLimits = { maxBytes: MAX_MANIFEST_BYTES, maxExpandedBytes: MAX_EXPANDED_BYTES, maxAliasCount: 100, maxDepth: 64 };

/** The yaml composer recurses per nesting level and overflows the stack near 800 levels. */
const SAFE_MAX_DEPTH = 256;
/** Nodes that alias expansion may add in total: plenty for shared blocks, bounded memory for attacks. */
const MAX_EXPANDED_NODES = 100_000;
const ALLOWED_TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq"];

const COMPOSE_OPTIONS = {
  schema: "core", // YAML 1.2 core: `yes`/`on` and dates stay strings
  resolveKnownTags: false, // otherwise !!binary, !!set, !!timestamp… would build Buffers, Sets, Dates
  uniqueKeys: false, // checked in the walk with a hash lookup: the library's check is O(n²) per map
  prettyErrors: false, // positions come from the LineCounter; messages stay one line
  intAsBigInt: false,
} as const;

const DEFAULT_HINT = "Check the indentation and quoting around this point.";

/** Aborts the walk: the document is rejected as a whole. */
class LimitError extends Error {
  constructor(readonly code: string, message: string, readonly offset: number, readonly path: string) {
    super(message);
  }
}

export function parseYaml(text: string, file: string, limits: Partial<ParseLimits> = {}): ParseResult {
  const maxBytes = limits.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxAliasCount = limits.maxAliasCount ?? DEFAULT_LIMITS.maxAliasCount;
  const maxExpandedBytes = limits.maxExpandedBytes ?? DEFAULT_LIMITS.maxExpandedBytes;
  const maxDepth = Math.min(limits.maxDepth ?? DEFAULT_LIMITS.maxDepth, SAFE_MAX_DEPTH);

  const lineCounter = new LineCounter();
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: Math.max(line, 1), column: col };
  };
  const sourceMap = new SourceMapBuilder(lineCounter.lineStarts);
  const diagnostics: Diagnostic[] = [];
  const literals = new Map<string, string>();
  const report = (code: string, message: string, at: Position, path = ""): void => {
    diagnostics.push({ severity: "error", code, message, file, line: at.line, column: at.column, path });
  };
  const done = (value: unknown): ParseResult => ({ value, sourceMap, diagnostics: sortDiagnostics(diagnostics), literals });
  const tooDeep = (at: Position, path = ""): ParseResult => {
    report("too-deep", `The YAML is nested more than ${maxDepth} levels deep. A manifest needs only a few levels; flatten this structure.`, at, path);
    return done(undefined);
  };

  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) {
    report("file-too-large", `The file is ${bytes} bytes, over the limit of ${maxBytes} bytes (${formatMiB(maxBytes)}). A manifest should be far smaller: remove generated or unused content.`, { line: 1, column: 1 });
    return done(undefined);
  }
  const deepAt = prescanDepth(text, maxDepth);
  if (deepAt >= 0) return tooDeep(positionAt(text, deepAt));

  let docs: Document.Parsed[];
  try {
    const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
    const cstDeepAt = cstDepthExceeded(tokens, maxDepth);
    if (cstDeepAt >= 0) return tooDeep(toPosition(cstDeepAt));
    docs = Array.from(new Composer(COMPOSE_OPTIONS).compose(tokens));
  } catch (error) {
    if (error instanceof RangeError) return tooDeep({ line: 1, column: 1 }); // last resort: stack overflow
    report("yaml-syntax", `The YAML parser failed: ${String(error)}. ${DEFAULT_HINT}`, { line: 1, column: 1 });
    return done(undefined);
  }

  const syntaxErrors: YamlError[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      if (e.code === "RESOURCE_EXHAUSTION") return tooDeep(toPosition(e.pos[0]));
      syntaxErrors.push({ code: e.code, message: e.message, offset: e.pos[0] });
    }
    for (const w of doc.warnings) {
      if (w.code === "TAG_RESOLVE_FAILED" || w.code === "BAD_COLLECTION_TYPE") {
        report("unsupported-tag", tagMessage(text.slice(w.pos[0], w.pos[1])), toPosition(w.pos[0]));
      } else {
        syntaxErrors.push({ code: w.code, message: w.message, offset: w.pos[0] });
      }
    }
  }
  if (syntaxErrors.length > 0) {
    // One error, with the likely fix: the others follow from it (src/document/syntax-fix.ts).
    const first = reportSyntaxErrors(text, syntaxErrors);
    report("yaml-syntax", first.message, toPosition(first.offset));
    return done(undefined);
  }

  // Empty documents (a stray `---`) are ignored; only content counts.
  const contentDocs = docs.filter((d) => !isEmptyDocument(d));
  const first = contentDocs[0];
  if (first === undefined) {
    report("empty-file", "The file is empty (or only has comments). A manifest needs at least `apiVersion: paved.dev/v1`, `owner` and `services`.", { line: 1, column: 1 });
    return done(undefined);
  }
  const second = contentDocs[1];
  if (second !== undefined) {
    report("multiple-documents", "A second YAML document starts here. A manifest is a single document: remove the `---` separator and merge or delete what follows.", toPosition(second.range[0]));
  }

  const walker = new Walker(sourceMap, literals, { maxDepth, maxAliasCount, maxExpandedBytes }, (code, message, offset, path) => report(code, message, toPosition(offset), path));
  try {
    return done(walker.walk(first.contents, "", 0));
  } catch (error) {
    if (error instanceof LimitError) {
      report(error.code, error.message, toPosition(error.offset), error.path);
      return done(undefined);
    }
    if (error instanceof RangeError) return tooDeep({ line: 1, column: 1 });
    throw error;
  }
}

type Report = (code: string, message: string, offset: number, path: string) => void;

/** One pass over the composed AST: builds plain data and the source map, expanding aliases within limits. */
class Walker {
  private readonly anchors = new Map<string, unknown>();
  private aliases = 0;
  private expanded = 0;
  private bytes = 0; // keys and scalars so far, aliases expanded
  private inAlias = 0; // > 0 while re-walking an anchored node: its own problems were reported already
  private site = { offset: 0, ptr: "" }; // the outermost alias being expanded, where limit errors point

  constructor(
    private readonly sourceMap: SourceMapBuilder,
    private readonly literals: Map<string, string>,
    private readonly bounds: { maxDepth: number; maxAliasCount: number; maxExpandedBytes: number },
    private readonly onReport: Report,
  ) {}

  walk(node: unknown, ptr: string, depth: number): unknown {
    if (this.inAlias > 0 && ++this.expanded > MAX_EXPANDED_NODES) {
      throw this.limit("alias-limit", `YAML aliases expand this document to more than ${MAX_EXPANDED_NODES} nodes, which looks like a "billion laughs" attack. Write the values out instead of repeating large anchors.`, start(node), ptr);
    }
    let value: unknown = null;
    if (isAlias(node)) return this.alias(node.source, start(node), ptr, depth);
    if (isScalar(node)) {
      value = node.value;
      this.count(typeof value === "string" ? value : (node.source ?? ""), node, ptr);
      if ((typeof value === "number" || typeof value === "boolean") && typeof node.source === "string") this.literals.set(ptr, node.source);
    } else if (isMap(node) || isSeq(node)) {
      if (depth >= this.bounds.maxDepth) {
        throw this.limit("too-deep", `The YAML is nested more than ${this.bounds.maxDepth} levels deep (counting expanded aliases). A manifest needs only a few levels; flatten this structure.`, start(node), ptr);
      }
      value = isMap(node) ? this.map(node.items, ptr, depth + 1) : this.seq(node.items, start(node), ptr, depth + 1);
    }
    // Registered only once the node is complete, so `&a [*a]` cannot refer to itself.
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor !== undefined && this.inAlias === 0) this.anchors.set(anchor, node);
    return value;
  }

  private alias(name: string, offset: number, ptr: string, depth: number): unknown {
    const target = this.anchors.get(name);
    if (target === undefined) {
      this.report("yaml-syntax", `The alias *${name} does not refer to an anchor &${name} defined before it (an alias cannot point into its own anchor). Define the anchor first, or write the value out.`, offset, ptr);
      return null;
    }
    if (++this.aliases > this.bounds.maxAliasCount) {
      throw this.limit("alias-limit", `This document expands YAML aliases more than ${this.bounds.maxAliasCount} times, which looks like a "billion laughs" attack. Write the values out instead of using so many aliases (*name).`, offset, ptr);
    }
    if (this.inAlias === 0) this.site = { offset, ptr };
    this.inAlias++;
    try {
      return this.walk(target, ptr, depth);
    } finally {
      this.inAlias--;
    }
  }

  private map(pairs: ReadonlyArray<{ key: unknown; value: unknown }>, ptr: string, depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (const pair of pairs) {
      const keyOffset = start(pair.key);
      const key = keyText(pair.key);
      if (key === undefined) {
        this.report("non-string-key", "Mapping keys must be plain text (a string, number or boolean), not a list, mapping or alias. Write this key as a string.", keyOffset, ptr);
        continue;
      }
      const childPtr = ptr + "/" + escapePointerToken(key);
      this.count(key, pair.key, childPtr);
      if (key === "<<" && isScalar(pair.key) && pair.key.type === "PLAIN") {
        this.report("merge-key", "YAML merge keys (`<<: *anchor`) are not supported: they are not part of YAML 1.2. Write the fields out, or alias a whole value (`api: *base`).", keyOffset, childPtr);
        continue;
      }
      if (Object.hasOwn(object, key)) {
        const firstLine = this.sourceMap.key(childPtr)?.line;
        this.report("duplicate-key", `Duplicate key "${key}": it is already defined${firstLine ? ` on line ${firstLine}` : ""}. Keep one entry: merge the two or delete this one.`, keyOffset, childPtr);
        continue;
      }
      const value = this.walk(pair.value, childPtr, depth);
      // defineProperty keeps `__proto__` an own data property instead of calling the prototype setter.
      if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      this.sourceMap.set(childPtr, pair.value == null ? keyOffset : start(pair.value), keyOffset);
    }
    return object;
  }

  private seq(items: readonly unknown[], offset: number, ptr: string, depth: number): unknown[] {
    const array: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const childPtr = `${ptr}/${i}`;
      array.push(this.walk(items[i], childPtr, depth));
      this.sourceMap.set(childPtr, items[i] == null ? offset : start(items[i]));
    }
    return array;
  }

  /** Adds a key or scalar to the expanded size; crossing the budget inside an alias points at that alias. */
  private count(text: string, node: unknown, ptr: string): void {
    this.bytes += Buffer.byteLength(text, "utf8");
    if (this.bytes <= this.bounds.maxExpandedBytes) return;
    const max = formatMiB(this.bounds.maxExpandedBytes);
    throw this.limit(
      "expanded-too-large",
      this.inAlias > 0
        ? `With its aliases expanded, this document is over ${max} (this alias crosses it): an alias repeats its anchor's whole content each time. Alias only small shared blocks, or write the values out.`
        : `This document's keys and values are over ${max}. A manifest should be far smaller: remove generated or unused content.`,
      start(node),
      ptr,
    );
  }

  /** Inside an expansion, point at the alias the author wrote rather than deep inside the anchor. */
  private limit(code: string, message: string, offset: number, ptr: string): LimitError {
    return this.inAlias > 0 ? new LimitError(code, message, this.site.offset, this.site.ptr) : new LimitError(code, message, offset, ptr);
  }

  private report(code: string, message: string, offset: number, path: string): void {
    if (this.inAlias === 0) this.onReport(code, message, offset, path);
  }
}

/** Keys become strings: numbers and booleans keep the text the author wrote (`0x1F: x` → "0x1F"). */
function keyText(node: unknown): string | undefined {
  if (node == null) return ""; // `: value` with no key
  if (!isScalar(node)) return undefined;
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value);
}

function start(node: unknown): number {
  return (node as { range?: readonly number[] } | null)?.range?.[0] ?? 0;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && c.range[0] === c.range[1]);
}

function tagMessage(tag: string): string {
  if (ALLOWED_TAGS.includes(tag)) return `The YAML tag ${tag} does not fit this value. Remove the tag.`;
  return `The YAML tag ${tag} is not supported: a manifest is plain data. Remove the tag (only ${ALLOWED_TAGS.join(", ")} are allowed).`;
}

/** 1-based position of an offset, for problems found before the LineCounter has run. */
function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf("\n"); nl !== -1 && nl < offset; nl = text.indexOf("\n", nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Cheap linear estimate of nesting depth, so that `[[[[…` × 20,000 is rejected before the YAML
 * library builds a token per level. Counts flow brackets outside quotes and comments, plus block
 * levels (deeper indentation, compact `- - x`). A heuristic: the exact check on the CST follows.
 * Returns the offset where the estimate first exceeds max, or -1.
 */
function prescanDepth(text: string, max: number): number {
  const indents: number[] = []; // columns of the enclosing block levels
  let flow = 0;
  let i = 0;
  while (i < text.length) {
    const lineStart = i;
    while (text[i] === " ") i++;
    let col = i - lineStart;
    let c = text[i];
    if (flow === 0 && c !== undefined && c !== "\n" && c !== "\r" && c !== "#") {
      while (indents.length > 0 && indents[indents.length - 1]! > col) indents.pop();
      if (c !== "[" && c !== "{" && indents[indents.length - 1] !== col) indents.push(col);
      // Compact block indicators: "- - x" or "? - x" nest a collection on the same line.
      while ((c === "-" || c === "?" || c === ":") && (text[i + 1] === " " || text[i + 1] === "\t")) {
        do i++;
        while (text[i] === " " || text[i] === "\t");
        col = i - lineStart;
        c = text[i];
        if ((c === "-" || c === "?") && (text[i + 1] === " " || text[i + 1] === "\t") && indents.push(col) > max) return i;
      }
      if (indents.length > max) return i;
    }
    let prev = "\n"; // last non-blank character: a node (quote, bracket) may start after "\n", "[", "{", ",", ":", "-", "?"
    for (; i < text.length; i++) {
      c = text[i]!;
      if (c === "\n") break;
      if (c === " " || c === "\t" || c === "\r") continue;
      const nodeStart = "\n[{,:-?".includes(prev);
      if (c === "#" && (i === 0 || " \t\n".includes(text[i - 1]!))) {
        i = text.indexOf("\n", i);
        if (i < 0) return -1;
        break;
      } else if ((c === '"' || c === "'") && nodeStart) {
        i = closingQuote(text, i);
        if (i < 0) return -1;
      } else if (c === "[" || c === "{") {
        if (!(flow > 0 || nodeStart)) c = "x"; // inside a block plain scalar: `see [1]` is text
        else if (++flow + indents.length > max) return i;
      } else if ((c === "]" || c === "}") && flow > 0) {
        flow--;
      }
      prev = c;
    }
    i++; // past "\n"
  }
  return -1;
}

/** Index of the quote closing the one at `open` ("…\"…" or '…''…'), or -1. */
function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

/** Exact collection depth of the CST, walked with an explicit stack. Offset of the first collection deeper than max, or -1. */
function cstDepthExceeded(tokens: CST.Token[], max: number): number {
  const stack: Array<[CST.Token | null | undefined, number]> = tokens.map((t) => [t, 0]);
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [token, depth] = entry;
    if (token?.type === "document") stack.push([token.value, depth]);
    else if (token?.type === "block-map" || token?.type === "block-seq" || token?.type === "flow-collection") {
      if (depth + 1 > max) return token.offset;
      for (const item of token.items) stack.push([item.key, depth + 1], [item.value, depth + 1]);
    }
  }
  return -1;
}
