/**
 * Escaping for text users control (messages, env values, hosts) on its way into Markdown, HTML
 * and terminals. Paths and service names are safe by construction but go through here anyway.
 */

/**
 * Bidirectional controls and invisible format characters: a value can reorder or hide what a
 * reviewer reads (Trojan Source), so every report shows them as `\u202e` instead of obeying them.
 */
const INVISIBLE = /[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Inline Markdown: no formatting, no HTML, no table breaks, no @-mentions, one line, no hidden characters. */
export function escapeMarkdown(text: string): string {
  return showInvisible(text)
    .replace(/\r?\n|\r/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/[\\`*_[\]<>|~]/g, "\\$&")
    // A mention starts at an `@` after a non-word character; `repo@sha256:…` or `a@b.c` never ping,
    // and stay copyable without a zero-width space.
    .replace(/(?<![A-Za-z0-9_])@/g, "@\u200b");
}

/**
 * A message for people, where `backquoted` parts (field names, values) become code spans and the
 * rest is escaped: any text is safe, and well-formed messages read as intended.
 */
export function markdownMessage(text: string, options: { table?: boolean } = {}): string {
  const parts = text.split(/`([^`\r\n]+)`/);
  return parts
    .map((part, i) => (i % 2 === 0 ? escapeMarkdown(part) : options.table ? tableCodeSpan(part) : codeSpan(part)))
    .join("");
}

/** A code span that holds any text: the fence is longer than any backtick run inside. */
export function codeSpan(text: string): string {
  const oneLine = showInvisible(text).replace(/\r?\n|\r/g, " ");
  const fence = "`".repeat(longestBacktickRun(oneLine) + 1);
  const pad = oneLine.startsWith("`") || oneLine.endsWith("`") ? " " : "";
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** In a GFM table even a code span needs its pipes escaped. */
export function tableCodeSpan(text: string): string {
  return codeSpan(text).replace(/\|/g, "\\|");
}

/** A fenced code block no line inside can close. */
export function codeBlock(raw: string, language = ""): string {
  const text = showInvisible(raw);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  const body = text.endsWith("\n") || text === "" ? text : `${text}\n`;
  return `${fence}${language}\n${body}${fence}\n`;
}

/** A link destination that cannot end the link early: spaces, parentheses and angle brackets encoded. */
export function safeUrl(url: string): string {
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

export function escapeHtml(text: string): string {
  return showInvisible(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Terminal output: control characters (escape sequences included) become visible, never act. */
export function escapeTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return showInvisible(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * One line of terminal output (a diagnostic): control characters as for `escapeTerminal`, and line
 * breaks and bidirectional-text controls shown too, so a value cannot fake or hide a line.
 */
export function escapeTerminalLine(text: string): string {
  return escapeTerminal(text).replace(/\n/g, "\\n");
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
