/**
 * Unified diffs of text files, bounded: jsdiff's `structuredPatch` (Myers' algorithm) finds the hunks,
 * with `maxEditLength` and a cap on the line count so a huge or wholly rewritten file is summarised
 * instead of stalling the plan. The hunks are written here, the way git shows them.
 */
import { structuredPatch, type StructuredPatchHunk } from "diff";

export interface DiffLimits {
  /** Files longer than this (either side) are not diffed. */
  maxLines: number;
  /** Files differing in more lines than this are not diffed. */
  maxEdits: number;
  /** Unchanged lines shown around each change. */
  context: number;
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = { maxLines: 2000, maxEdits: 1000, context: 3 };

export type DiffResult =
  | { kind: "diff"; text: string; added: number; removed: number }
  | { kind: "too-large"; reason: string };

const NO_NEWLINE = "\\ No newline at end of file";

/** `before`/`after` null mean the file does not exist on that side (creation, deletion). */
export function unifiedDiff(
  path: string,
  before: string | null,
  after: string | null,
  limits: DiffLimits = DEFAULT_DIFF_LIMITS,
): DiffResult {
  const longest = Math.max(lineCount(before ?? ""), lineCount(after ?? ""));
  if (longest > limits.maxLines) {
    return { kind: "too-large", reason: `diff too large (${longest.toLocaleString("en-US")} lines)` };
  }
  // A file that appears or goes is one hunk of every line: no search needed (a first apply diffs thousands).
  if (!before || !after) return wholeFileDiff(path, before, after, limits);
  return myersDiff(path, before, after, limits);
}

/** The general case: jsdiff finds the shortest edit script, written the way git shows it. */
export function myersDiff(path: string, before: string | null, after: string | null, limits: DiffLimits = DEFAULT_DIFF_LIMITS): DiffResult {
  const patch = structuredPatch(path, path, before ?? "", after ?? "", undefined, undefined, {
    context: limits.context,
    maxEditLength: limits.maxEdits,
  });
  if (!patch) return tooManyEdits(limits);
  const out: string[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@\n`);
    for (const line of gitOrder(hunk)) {
      out.push(`${line}\n`);
      if (line[0] === "+") added++;
      else if (line[0] === "-") removed++;
    }
  }
  const text = out.join("");
  return { kind: "diff", text: text === "" ? "" : diffHeader(path, before, after) + text, added, removed };
}

/**
 * One side empty or absent: every line of the other is added (or removed), in one hunk — what
 * `myersDiff` writes for the same sides (test/plan-diff.test.ts holds them equal).
 */
export function wholeFileDiff(path: string, before: string | null, after: string | null, limits: DiffLimits = DEFAULT_DIFF_LIMITS): DiffResult {
  const content = before || after || "";
  const count = lineCount(content);
  if (count === 0) return { kind: "diff", text: "", added: 0, removed: 0 };
  if (count > limits.maxEdits) return tooManyEdits(limits);
  const removed = before ? count : 0;
  const added = count - removed;
  const sign = removed ? "-" : "+";
  const body = content.endsWith("\n") ? content.slice(0, -1) : content;
  const lines = `${sign}${body.replaceAll("\n", `\n${sign}`)}\n${content.endsWith("\n") ? "" : `${NO_NEWLINE}\n`}`;
  return { kind: "diff", text: `${diffHeader(path, before, after)}@@ -${range(1, removed)} +${range(1, added)} @@\n${lines}`, added, removed };
}

function diffHeader(path: string, before: string | null, after: string | null): string {
  return `--- ${before === null ? "/dev/null" : `a/${path}`}\n+++ ${after === null ? "/dev/null" : `b/${path}`}\n`;
}

function tooManyEdits(limits: DiffLimits): DiffResult {
  return { kind: "too-large", reason: `diff too large (more than ${limits.maxEdits.toLocaleString("en-US")} lines differ)` };
}

/** Lines as git counts them: a last line without a newline still counts. */
function lineCount(content: string): number {
  if (content === "") return 0;
  let newlines = 0;
  for (let at = content.indexOf("\n"); at !== -1; at = content.indexOf("\n", at + 1)) newlines++;
  return content.endsWith("\n") ? newlines : newlines + 1;
}

/**
 * A hunk's lines with each run of edits read as git shows it: what goes, then what comes (jsdiff may
 * interleave removals and additions inside one run). A "\ No newline" marker stays with its line.
 */
function gitOrder(hunk: StructuredPatchHunk): string[] {
  const lines: string[] = [];
  let removals: string[] = [];
  let additions: string[] = [];
  let last: string[] = lines;
  const flush = (): void => {
    lines.push(...removals, ...additions);
    removals = [];
    additions = [];
  };
  for (const line of hunk.lines) {
    if (line === NO_NEWLINE) last.push(line);
    else if (line[0] === "-") (last = removals).push(line);
    else if (line[0] === "+") (last = additions).push(line);
    else {
      flush();
      (last = lines).push(line);
    }
  }
  flush();
  return lines;
}

function range(start: number, count: number): string {
  // git's convention: an empty range names the line before it; a single line omits the count.
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
