/**
 * A line-level three-way merge, as git (and so GitHub's merge button and test merges) does it: the
 * changes each side made to the merge base are combined when they touch different lines; changes
 * that overlap or touch adjacent lines conflict (null). Small inputs only (an LCS table per side).
 */
interface Hunk {
  /** Replaces base lines [start, end) with `lines`. */
  start: number;
  end: number;
  lines: string[];
}

function hunks(base: string[], side: string[]): Hunk[] {
  const n = base.length;
  const m = side.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = base[i] === side[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: Hunk[] = [];
  let i = 0;
  let j = 0;
  let open: Hunk | undefined;
  while (i < n || j < m) {
    if (i < n && j < m && base[i] === side[j]) {
      if (open) out.push(open);
      open = undefined;
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      open ??= { start: i, end: i, lines: [] };
      open.lines.push(side[j++]!);
    } else {
      open ??= { start: i, end: i, lines: [] };
      open.end = ++i;
    }
  }
  if (open) out.push(open);
  return out;
}

export function mergeLines(base: string, ours: string, theirs: string): string | null {
  if (ours === theirs || theirs === base) return ours;
  if (ours === base) return theirs;
  const split = (s: string) => s.split("\n");
  const b = split(base);
  const all = [...hunks(b, split(ours)).map((h) => ({ ...h, side: 0 })), ...hunks(b, split(theirs)).map((h) => ({ ...h, side: 1 }))].sort(
    (x, y) => x.start - y.start || x.end - y.end,
  );
  const result: string[] = [];
  let at = 0;
  for (let k = 0; k < all.length; k++) {
    const h = all[k]!;
    const next = all[k + 1];
    if (next && next.side !== h.side && next.start <= h.end) {
      const same = next.start === h.start && next.end === h.end && next.lines.join("\n") === h.lines.join("\n");
      if (!same) return null;
      k++;
    }
    result.push(...b.slice(at, h.start), ...h.lines);
    at = h.end;
  }
  result.push(...b.slice(at));
  return result.join("\n");
}
