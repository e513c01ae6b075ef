/**
 * One YAML mistake makes the parser report a cascade (an unquoted `${…}` inside `{ … }` gave 15 errors;
 * a line indented one space too far gave two, with advice about quotes). Paved reports the first
 * error only — the rest follow from it — and names the likely fix by looking at the text around it.
 */

export interface YamlError {
  code: string;
  message: string;
  offset: number;
}

export interface SyntaxReport {
  /** Where to point: the mistake itself when it is recognised, else the parser's position. */
  offset: number;
  /** The whole message, ending with what to do. */
  message: string;
}

const HINTS: Record<string, string> = {
  TAB_AS_INDENT: "Indent with spaces; YAML does not allow tabs for indentation.",
  BLOCK_AS_IMPLICIT_KEY: "If the value contains \": \", put it in quotes; otherwise move the nested entry to its own indented line.",
  MULTILINE_IMPLICIT_KEY: "A key must fit on one line: check for a missing \":\" or a missing closing quote above.",
  MISSING_CHAR: "Add the missing character (often a closing quote or bracket).",
  BAD_INDENT: "Entries of the same mapping or list must start at the same column.",
  BAD_DQ_ESCAPE: "Fix the backslash escape, or use single quotes so backslashes are literal.",
  BAD_SCALAR_START: "Put the value in quotes.",
};
const DEFAULT_HINT = "Check the indentation and quoting around this point.";

interface Line {
  start: number;
  text: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const line of text.split("\n")) {
    out.push({ start, text: line });
    start += line.length + 1;
  }
  return out;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isBlank = (line: string) => line.trim() === "" || line.trimStart().startsWith("#");
/** `key: value` with a value on the same line (not a block scalar or nested mapping opener). */
const KEY_WITH_VALUE = /^\s*(?:-\s+)?([^\s#:][^:#]*?):\s+([^\s#|>][^#]*)$/;
const KEY = /^\s*(?:-\s+)?([^\s#:][^:#]*?):(?:\s|$)/;

/** `KEY: ${…}` unquoted inside a flow mapping `{ … }` on the error's line. */
function unquotedPlaceholder(line: Line): SyntaxReport | undefined {
  const brace = line.text.indexOf("{");
  if (brace === -1) return undefined;
  const match = /([A-Za-z_][\w.-]*)\s*:\s*(\$\{[^}\s]*\}?)/.exec(line.text.slice(brace + 1));
  if (!match) return undefined;
  const column = brace + 1 + match.index + match[0].indexOf("$");
  const placeholder = match[2]!.endsWith("}") ? match[2]! : `${match[2]}}`;
  return {
    offset: line.start + column,
    message: `Invalid YAML: \`${placeholder}\` inside \`{ … }\` is read as the start of a nested mapping. Quote it: \`${match[1]}: "${placeholder}"\`.`,
  };
}

/** A `key:` line indented further than the `key: value` line above it. */
function overIndented(all: Line[], index: number): SyntaxReport | undefined {
  for (let i = index; i < Math.min(all.length - 1, index + 3); i++) {
    const above = all[i]!;
    const withValue = KEY_WITH_VALUE.exec(above.text);
    if (!withValue) continue;
    let j = i + 1;
    while (j < all.length && isBlank(all[j]!.text)) j++;
    const below = all[j];
    const key = below && KEY.exec(below.text);
    if (!below || !key || indentOf(below.text) <= indentOf(above.text)) continue;
    const column = indentOf(above.text) + 1;
    return {
      offset: below.start + indentOf(below.text),
      message: `Invalid YAML: \`${key[1]}:\` on line ${j + 1} is indented further than \`${withValue[1]}:\` above it, which already has a value. Start \`${key[1]}:\` at column ${column}, like \`${withValue[1]}:\` (or, if it belongs under \`${withValue[1]}\`, move the value \`${withValue[2]!.trim()}\` onto its own indented line).`,
    };
  }
  return undefined;
}

/** A line that starts between the columns of its parent and of the entries above it. */
function underIndented(all: Line[], index: number): SyntaxReport | undefined {
  const line = all[index];
  if (!line || isBlank(line.text)) return undefined;
  const indent = indentOf(line.text);
  let sibling: number | undefined;
  let parent: number | undefined;
  for (let i = index - 1; i >= 0; i--) {
    const text = all[i]!.text;
    if (isBlank(text)) continue;
    const at = indentOf(text);
    if (at > indent && sibling === undefined) sibling = at;
    if (at < indent) {
      parent = at;
      break;
    }
  }
  if (sibling === undefined || parent === undefined) return undefined;
  const key = KEY.exec(line.text)?.[1] ?? line.text.trim().slice(0, 20);
  return {
    offset: line.start + indent,
    message: `Invalid YAML: \`${key}\` starts at column ${indent + 1}, between its parent (column ${parent + 1}) and the entries above it (column ${sibling + 1}). Indent it to column ${sibling + 1} to add it to them, or to column ${parent + 1} for a new field.`,
  };
}

export function reportSyntaxErrors(text: string, errors: readonly YamlError[]): SyntaxReport {
  const sorted = [...errors].sort((a, b) => a.offset - b.offset);
  const first = sorted[0]!;
  const all = lines(text);
  const index = Math.max(0, all.findIndex((line, i) => first.offset >= line.start && (i === all.length - 1 || first.offset < all[i + 1]!.start)));
  const fixed =
    unquotedPlaceholder(all[index]!) ??
    (first.code === "BLOCK_AS_IMPLICIT_KEY" || first.code === "MULTILINE_IMPLICIT_KEY" ? overIndented(all, index) : undefined) ??
    (first.code === "BAD_INDENT" ? underIndented(all, index) : undefined);
  const report = fixed ?? { offset: first.offset, message: `Invalid YAML: ${first.message.replace(/\.$/, "")}. ${HINTS[first.code] ?? DEFAULT_HINT}` };
  const more = sorted.length - 1;
  return more === 0 ? report : { ...report, message: `${report.message} (${more === 1 ? "1 more YAML error after this one follows" : `${more} more YAML errors after this one follow`} from it; fix it and check again.)` };
}
