/**
 * Unified diffs of text files, bounded: Myers' O((N+M)·D) algorithm in linear space (the
 * middle-snake bisection, as in diff-match-patch), with a cap on N+M and on D so a huge or
 * wholly rewritten file is summarised instead of stalling the plan.
 */

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

const EQUAL = 0;
const DELETE = 1;
const INSERT = 2;
type Op = typeof EQUAL | typeof DELETE | typeof INSERT;

/** `before`/`after` null mean the file does not exist on that side (creation, deletion). */
export function unifiedDiff(
  path: string,
  before: string | null,
  after: string | null,
  limits: DiffLimits = DEFAULT_DIFF_LIMITS,
): DiffResult {
  const a = splitLines(before ?? "");
  const b = splitLines(after ?? "");
  const longest = Math.max(a.length, b.length);
  if (longest > limits.maxLines) {
    return { kind: "too-large", reason: `diff too large (${longest.toLocaleString("en-US")} lines)` };
  }
  const ops = editScript(a, b, limits.maxEdits);
  if (!ops) {
    return {
      kind: "too-large",
      reason: `diff too large (more than ${limits.maxEdits.toLocaleString("en-US")} lines differ)`,
    };
  }
  const header = `--- ${before === null ? "/dev/null" : `a/${path}`}\n+++ ${after === null ? "/dev/null" : `b/${path}`}\n`;
  const { text, added, removed } = formatHunks(a, b, ops, limits.context);
  return { kind: "diff", text: text === "" ? "" : header + text, added, removed };
}

interface Lines {
  text: string[];
  /** False when the last line has no trailing newline (shown as git does). */
  finalNewline: boolean;
  length: number;
}

function splitLines(content: string): Lines {
  if (content === "") return { text: [], finalNewline: true, length: 0 };
  const text = content.split("\n");
  const finalNewline = text[text.length - 1] === "";
  if (finalNewline) text.pop();
  return { text, finalNewline, length: text.length };
}

/** Lines as small integers, so comparisons are cheap; a last line without newline differs from one with. */
function intern(a: Lines, b: Lines): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const encode = (lines: Lines): Int32Array => {
    const out = new Int32Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const last = i === lines.length - 1 && !lines.finalNewline;
      const key = last ? `${lines.text[i]}\n` : lines.text[i]!;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      out[i] = id;
    }
    return out;
  };
  return [encode(a), encode(b)];
}

class TooManyEdits extends Error {}

/** The shortest edit script from a to b, or null when it would exceed `maxEdits`. */
function editScript(linesA: Lines, linesB: Lines, maxEdits: number): Op[] | null {
  const [a, b] = intern(linesA, linesB);
  const ops: Op[] = [];
  const push = (op: Op, count: number): void => {
    for (let i = 0; i < count; i++) ops.push(op);
  };
  // Each bisection explores half of its sub-problem's edits; this bounds the top level.
  const maxHalf = Math.ceil(maxEdits / 2);

  const compare = (aLo: number, aHi: number, bLo: number, bHi: number): void => {
    let prefix = 0;
    while (aLo + prefix < aHi && bLo + prefix < bHi && a[aLo + prefix] === b[bLo + prefix]) prefix++;
    push(EQUAL, prefix);
    aLo += prefix;
    bLo += prefix;
    let suffix = 0;
    while (aHi - suffix > aLo && bHi - suffix > bLo && a[aHi - 1 - suffix] === b[bHi - 1 - suffix]) suffix++;
    aHi -= suffix;
    bHi -= suffix;
    if (aLo === aHi) push(INSERT, bHi - bLo);
    else if (bLo === bHi) push(DELETE, aHi - aLo);
    else {
      const split = bisect(a, aLo, aHi, b, bLo, bHi, maxHalf);
      const trivial = !split || (split[0] === aLo && split[1] === bLo) || (split[0] === aHi && split[1] === bHi);
      if (trivial) {
        push(DELETE, aHi - aLo);
        push(INSERT, bHi - bLo);
      } else {
        compare(aLo, split[0], bLo, split[1]);
        compare(split[0], aHi, split[1], bHi);
      }
    }
    push(EQUAL, suffix);
  };

  try {
    compare(0, a.length, 0, b.length);
  } catch (error) {
    if (error instanceof TooManyEdits) return null;
    throw error;
  }
  let edits = 0;
  for (const op of ops) if (op !== EQUAL) edits++;
  return edits > maxEdits ? null : ops;
}

/**
 * Finds a point on an optimal path through the middle snake (forward and reverse searches meet).
 * Returns null when the ranges share nothing; throws TooManyEdits beyond `maxHalf` rounds.
 */
function bisect(
  a: Int32Array,
  aLo: number,
  aHi: number,
  b: Int32Array,
  bLo: number,
  bHi: number,
  maxHalf: number,
): [number, number] | null {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const maxD = Math.ceil((n + m) / 2);
  const limit = Math.min(maxD, maxHalf);
  const offset = limit + 1;
  const size = 2 * limit + 3;
  const forward = new Int32Array(size).fill(-1);
  const reverse = new Int32Array(size).fill(-1);
  forward[offset + 1] = 0;
  reverse[offset + 1] = 0;
  const delta = n - m;
  // With an odd delta the paths meet during a forward step, with an even one during a reverse step.
  const meetForward = (delta & 1) !== 0;
  let k1start = 0;
  let k1end = 0;
  let k2start = 0;
  let k2end = 0;
  for (let d = 0; d < maxD; d++) {
    if (d > limit) throw new TooManyEdits();
    for (let k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
      const k1o = offset + k1;
      let x1 = k1 === -d || (k1 !== d && forward[k1o - 1]! < forward[k1o + 1]!) ? forward[k1o + 1]! : forward[k1o - 1]! + 1;
      let y1 = x1 - k1;
      while (x1 < n && y1 < m && a[aLo + x1] === b[bLo + y1]) {
        x1++;
        y1++;
      }
      forward[k1o] = x1;
      if (x1 > n) k1end += 2;
      else if (y1 > m) k1start += 2;
      else if (meetForward) {
        const k2o = offset + delta - k1;
        if (k2o >= 0 && k2o < size && reverse[k2o] !== -1 && x1 >= n - reverse[k2o]!) return [aLo + x1, bLo + y1];
      }
    }
    for (let k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
      const k2o = offset + k2;
      let x2 = k2 === -d || (k2 !== d && reverse[k2o - 1]! < reverse[k2o + 1]!) ? reverse[k2o + 1]! : reverse[k2o - 1]! + 1;
      let y2 = x2 - k2;
      while (x2 < n && y2 < m && a[aHi - x2 - 1] === b[bHi - y2 - 1]) {
        x2++;
        y2++;
      }
      reverse[k2o] = x2;
      if (x2 > n) k2end += 2;
      else if (y2 > m) k2start += 2;
      else if (!meetForward) {
        const k1o = offset + delta - k2;
        if (k1o >= 0 && k1o < size && forward[k1o] !== -1) {
          const x1 = forward[k1o]!;
          const y1 = offset + x1 - k1o;
          if (x1 >= n - x2) return [aLo + x1, bLo + y1];
        }
      }
    }
  }
  return null;
}

function formatHunks(a: Lines, b: Lines, ops: Op[], context: number): { text: string; added: number; removed: number } {
  const out: string[] = [];
  let added = 0;
  let removed = 0;
  // Line indices in a and b where each op starts.
  const aAt = new Int32Array(ops.length + 1);
  const bAt = new Int32Array(ops.length + 1);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    aAt[i + 1] = aAt[i]! + (op === INSERT ? 0 : 1);
    bAt[i + 1] = bAt[i]! + (op === DELETE ? 0 : 1);
    if (op === INSERT) added++;
    if (op === DELETE) removed++;
  }
  let i = 0;
  while (i < ops.length) {
    if (ops[i] === EQUAL) {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    let j = i;
    while (j < ops.length) {
      if (ops[j] !== EQUAL) {
        end = ++j;
        continue;
      }
      let k = j;
      while (k < ops.length && ops[k] === EQUAL) k++;
      if (k < ops.length && k - j <= 2 * context) j = k;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const aCount = aAt[stop]! - aAt[start]!;
    const bCount = bAt[stop]! - bAt[start]!;
    out.push(`@@ -${range(aAt[start]!, aCount)} +${range(bAt[start]!, bCount)} @@\n`);
    for (let x = start; x < stop; ) {
      if (ops[x] === EQUAL) {
        pushLine(out, " ", a, aAt[x++]!);
        continue;
      }
      // A run of edits reads as git shows it: what goes, then what comes.
      let runEnd = x;
      while (runEnd < stop && ops[runEnd] !== EQUAL) runEnd++;
      for (let y = x; y < runEnd; y++) if (ops[y] === DELETE) pushLine(out, "-", a, aAt[y]!);
      for (let y = x; y < runEnd; y++) if (ops[y] === INSERT) pushLine(out, "+", b, bAt[y]!);
      x = runEnd;
    }
    i = stop;
  }
  return { text: out.join(""), added, removed };
}

function range(index: number, count: number): string {
  // git's convention: an empty range names the line before it; a single line omits the count.
  if (count === 0) return `${index},0`;
  return count === 1 ? `${index + 1}` : `${index + 1},${count}`;
}

function pushLine(out: string[], sign: string, lines: Lines, index: number): void {
  out.push(`${sign}${lines.text[index]}\n`);
  if (index === lines.length - 1 && !lines.finalNewline) out.push("\\ No newline at end of file\n");
}
