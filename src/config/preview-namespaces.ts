/**
 * Preview namespaces (`previews.namespace`, e.g. `{owner}-pr-{number}`) must never be an
 * environment's namespace on the same cluster, for any team and any pull request number: a preview
 * renders code nobody reviewed yet, so it must not be able to land in, or be fenced together with,
 * staging or production.
 *
 * A preview pattern is `a{owner}b{number}c` with b non-empty and ending in a letter or `-`: reading
 * from the right, c is fixed, the number is the maximal run of digits before it, then b, so the map
 * (owner, number) ↦ namespace is injective (no two teams, no two pull requests share one). Against
 * each environment pattern `a'{owner}b'` (namespace-patterns.ts) the question is whether two regular
 * languages intersect; both are small automata over tokens (literal characters, an owner slot of
 * 1–40 slug characters, a number slot `[1-9][0-9]{0,9}`), searched breadth-first for the shortest
 * namespace both produce, which the error shows.
 */
import { clusterKey } from "./namespace-patterns.js";
import type { ResolvedEnvironment, ResolvedPreviews } from "./types.js";

type Token = { literal: string } | { slot: "owner" | "number" };

const OWNER_MAX = 40;
const NUMBER_MAX = 10;

/** Environment names previews take for themselves: the policy environment, the folder, the rendered environments. */
export function reservedForPreviews(name: string): boolean {
  return name === "preview" || name === "previews" || /^pr-[0-9]+$/.test(name);
}

/** Why the pattern is not `a{owner}b{number}c`, or undefined. */
export function previewPatternProblem(pattern: string): string | undefined {
  const names = [...pattern.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  if (names.some((n) => n !== "owner" && n !== "number")) return "may use only `{owner}` and `{number}`";
  if (names.filter((n) => n === "owner").length !== 1 || names.filter((n) => n === "number").length !== 1) {
    return "must use `{owner}` once and `{number}` once, e.g. `{owner}-pr-{number}`";
  }
  const owner = pattern.indexOf("{owner}");
  const number = pattern.indexOf("{number}");
  if (number < owner) return "must put `{number}` after `{owner}`, e.g. `{owner}-pr-{number}`";
  const between = pattern.slice(owner + "{owner}".length, number);
  if (!/[a-z-]$/.test(between)) {
    return "needs a fixed part ending in a letter or `-` between `{owner}` and `{number}` (e.g. `-pr-`), or two pull requests of different teams could share a namespace";
  }
  return undefined;
}

/** The namespace of a preview. */
export function previewNamespace(pattern: string, owner: string, number: number): string {
  return pattern.replace("{owner}", owner).replace("{number}", String(number));
}

export function previewNamespaceProblems(previews: ResolvedPreviews, environments: readonly ResolvedEnvironment[]): string[] {
  const problem = previewPatternProblem(previews.namespace);
  if (problem) return [`namespace pattern \`${previews.namespace}\` ${problem}`];
  const preview = tokens(previews.namespace.replace("{number}", "\u0000"));
  const problems: string[] = [];
  for (const env of environments) {
    if (clusterKey(env.cluster) !== clusterKey(previews.cluster)) continue;
    // Environment patterns with their own problems are reported by namespaceProblems.
    if ((env.namespace.match(/\{owner\}/g) ?? []).length !== 1 || /\{(?!owner\}|env\})/.test(env.namespace)) continue;
    const shared = intersection(preview, tokens(env.namespace.replace(/\{env\}/g, env.name)));
    if (shared !== undefined) {
      problems.push(
        `previews (\`${previews.namespace}\`) and environment \`${env.name}\` (\`${env.namespace}\`) share the cluster ${env.cluster} and both can produce namespace \`${shared}\`: ` +
          "a preview could land in that environment's namespace. Give previews a fixed part no environment pattern can produce, e.g. `{owner}-pr-{number}` beside `{owner}-{env}`",
      );
    }
  }
  return problems;
}

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    if (pattern.startsWith("{owner}", i)) {
      out.push({ slot: "owner" });
      i += "{owner}".length;
    } else if (pattern[i] === "\u0000") {
      out.push({ slot: "number" });
      i++;
    } else {
      out.push({ literal: pattern[i]! });
      i++;
    }
  }
  return out;
}

/** A state: token index, characters read in the slot, whether the last one was `-`. */
type State = readonly [number, number, boolean];

function key(s: State): string {
  return `${s[0]},${s[1]},${s[2] ? 1 : 0}`;
}

/** States reachable without reading: a slot that may end here moves on to the next token. */
function closure(pattern: Token[], state: State): State[] {
  const out: State[] = [state];
  for (let s = state; s[0] < pattern.length; ) {
    const token = pattern[s[0]]!;
    if ("literal" in token || s[1] === 0 || s[2]) break;
    s = [s[0] + 1, 0, false];
    out.push(s);
  }
  return out;
}

function step(pattern: Token[], [i, n]: State, c: string): State[] {
  const token = pattern[i];
  if (token === undefined) return [];
  if ("literal" in token) return token.literal === c ? closure(pattern, [i + 1, 0, false]) : [];
  if (token.slot === "owner") {
    if (!/^[a-z0-9-]$/.test(c) || n >= OWNER_MAX || (n === 0 && c === "-")) return [];
    return closure(pattern, [i, n + 1, c === "-"]);
  }
  if (!/^[0-9]$/.test(c) || n >= NUMBER_MAX || (n === 0 && c === "0")) return [];
  return closure(pattern, [i, n + 1, false]);
}

function accepts(pattern: Token[], state: State): boolean {
  return state[0] === pattern.length;
}

/** The shortest string both token patterns produce, or undefined. */
function intersection(a: Token[], b: Token[]): string | undefined {
  const literals = new Set([...a, ...b].flatMap((t) => ("literal" in t ? [t.literal] : [])));
  const letter = [..."abcdefghijklmnopqrstuvwxyz"].find((c) => !literals.has(c));
  const alphabet = [...new Set([...(letter ? [letter] : []), ..."0123456789-", ...literals])];
  type Pair = { a: State; b: State; text: string };
  const seen = new Set<string>();
  let frontier: Pair[] = [];
  for (const x of closure(a, [0, 0, false])) for (const y of closure(b, [0, 0, false])) frontier.push({ a: x, b: y, text: "" });
  while (frontier.length > 0) {
    const next: Pair[] = [];
    for (const pair of frontier) {
      const k = `${key(pair.a)}|${key(pair.b)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      if (accepts(a, pair.a) && accepts(b, pair.b)) return pair.text;
      for (const c of alphabet) {
        for (const x of step(a, pair.a, c)) for (const y of step(b, pair.b, c)) next.push({ a: x, b: y, text: pair.text + c });
      }
    }
    frontier = next;
  }
  return undefined;
}
