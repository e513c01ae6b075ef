/**
 * "Did you mean …?" — the nearest known name by optimal string alignment distance
 * (Damerau-Levenshtein where adjacent transpositions cost 1: `prot` → `port`).
 */

/** Edit distance counting insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows keep memory linear; names are short, so time is fine.
  let beforePrevious = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, beforePrevious[j - 2]! + 1);
      }
      current[j] = best;
    }
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[b.length]!;
}

/** How many edits still read as a typo rather than a different word. */
function tolerance(name: string): number {
  if (name.length <= 3) return 1;
  if (name.length <= 8) return 2;
  return 3;
}

/**
 * The candidate closest to `name`, or undefined when none is close enough to be a likely typo.
 * Case differences count as a single edit, so `Replicas` suggests `replicas`.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance =
      candidate.toLowerCase() === lower ? 1 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(tolerance(name), tolerance(best));
  if (bestDistance <= limit && bestDistance < name.length) return best;
  return abbreviated(lower, candidates);
}

/** `prod` → `production`, `stag` → `staging`: a unique candidate that the name abbreviates. */
function abbreviated(lower: string, candidates: Iterable<string>): string | undefined {
  if (lower.length < 3) return undefined;
  const hits = [...candidates].filter((c) => c.toLowerCase().startsWith(lower));
  return hits.length === 1 ? hits[0] : undefined;
}

/** "; did you mean `x`?" or "" — ready to append to a message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const hit = suggest(name, candidates);
  return hit === undefined ? "" : `; did you mean \`${hit}\`?`;
}

/** `a`, `b` and `c` — for messages that list what is allowed. */
export function listNames(names: readonly string[], conjunction = "and"): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/** Long user text cut for a message: the line number already says where the rest is. */
export function clip(text: string, max = 60): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
