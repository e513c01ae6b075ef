/**
 * Namespace patterns must give every (owner, environment) its own namespace on each cluster: a
 * namespace is the unit of isolation (the AppProject fence, object names, secrets), so two teams —
 * or one team's staging and production — sharing one namespace could read or replace each other.
 *
 * The decision procedure. After `{env}` is replaced by the environment's own name, a pattern is
 * `a{owner}b` for fixed strings a, b (exactly one `{owner}`; `{service}` is refused, see
 * `patternProblem`). Within one environment the map owner ↦ a·owner·b is injective. Two
 * environments on the same cluster collide exactly when the languages a₁·O·b₁ and a₂·O·b₂
 * intersect, where O is the set of team slugs (`^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$`). Both are
 * regular, so we build each as a small automaton (the literal characters, then a 40-character
 * slug counter, then the suffix), search their product breadth-first, and report the shortest
 * namespace both can produce, with the two owners that get it. Exact, including the length bound.
 */
import type { ResolvedEnvironment } from "./types.js";

/** A team slug, as the manifest schema's `owner` allows it. */
const OWNER_MAX = 40;

/** What a pattern may contain besides its placeholders (the config schema allows `[-a-z0-9{}]`). */
const PLACEHOLDER = /\{([^{}]*)\}/g;

export interface NamespaceProblem {
  /** The environment whose `namespace` is reported. */
  environment: string;
  message: string;
}

/** Problems of single patterns first, then one per pair of environments that can collide. */
export function namespaceProblems(environments: readonly ResolvedEnvironment[]): NamespaceProblem[] {
  const problems: NamespaceProblem[] = [];
  const shapes: Array<{ env: ResolvedEnvironment; shape: Shape }> = [];
  for (const env of environments) {
    const problem = patternProblem(env.namespace);
    if (problem) problems.push({ environment: env.name, message: `namespace pattern \`${env.namespace}\` ${problem}` });
    else shapes.push({ env, shape: shapeOf(env.namespace, env.name) });
  }
  for (let j = 1; j < shapes.length; j++) {
    for (let i = 0; i < j; i++) {
      const first = shapes[i]!;
      const second = shapes[j]!;
      if (clusterKey(first.env.cluster) !== clusterKey(second.env.cluster)) continue;
      const shared = sharedNamespace(first.shape, second.shape);
      if (shared === undefined) continue;
      const ownerIn = (shape: Shape) => shared.slice(shape.prefix.length, shared.length - shape.suffix.length);
      const a = ownerIn(first.shape);
      const b = ownerIn(second.shape);
      const who = a === b ? `owner \`${a}\` gets namespace \`${shared}\` in both` : `owner \`${a}\` in \`${first.env.name}\` and owner \`${b}\` in \`${second.env.name}\` both get namespace \`${shared}\``;
      problems.push({
        environment: second.env.name,
        message:
          `environments \`${first.env.name}\` (\`${first.env.namespace}\`) and \`${second.env.name}\` (\`${second.env.namespace}\`) share the cluster ${second.env.cluster} ` +
          `and their namespace patterns overlap: ${who}, so one could read or replace the other's objects. ` +
          "Give each environment on a cluster its own fixed part that no other pattern can produce, e.g. `{owner}-{env}` in every environment",
      });
    }
  }
  return problems;
}

/** Why a pattern cannot be used on its own, or undefined. */
function patternProblem(pattern: string): string | undefined {
  const names = [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const unknown = names.find((name) => name !== "owner" && name !== "env" && name !== "service");
  if (unknown !== undefined) return `uses \`{${unknown}}\`; the placeholders are \`{owner}\` and \`{env}\``;
  if (pattern.replace(PLACEHOLDER, "").includes("{") || pattern.replace(PLACEHOLDER, "").includes("}")) {
    return "has an unmatched `{` or `}`; a namespace is lowercase letters, digits and `-`";
  }
  if (names.includes("service")) {
    // A namespace per service cannot be fenced: the team's AppProject is shared by all its
    // repositories and must list exact namespaces, and `{owner}-{service}` is ambiguous anyway
    // (owner `payments` + service `eu-api` and owner `payments-eu` + service `api`).
    return "uses `{service}`: a namespace per service would let `payments` + `eu-api` and `payments-eu` + `api` share one, and the team's AppProject could not list its namespaces exactly. Use one namespace per team and environment, e.g. `{owner}-{env}`";
  }
  const owners = names.filter((name) => name === "owner").length;
  if (owners === 0) return "does not use `{owner}`: every team would deploy into the same namespace; add `{owner}`, e.g. `{owner}-{env}`";
  if (owners > 1) return "uses `{owner}` more than once; use it once, e.g. `{owner}-{env}`";
  return undefined;
}

/** `a{owner}b` with `{env}` replaced. */
interface Shape {
  prefix: string;
  suffix: string;
}

function shapeOf(pattern: string, environment: string): Shape {
  const replaced = pattern.replace(/\{env\}/g, environment);
  const at = replaced.indexOf("{owner}");
  return { prefix: replaced.slice(0, at), suffix: replaced.slice(at + "{owner}".length) };
}

/** Argo CD compares destination servers as strings; a trailing slash or the host's case does not make another cluster. */
export function clusterKey(cluster: string): string {
  return cluster.trim().replace(/\/+$/, "").toLowerCase();
}

// ---- the automaton ---------------------------------------------------------------------------

/**
 * The automaton reading `prefix · owner · suffix`, as a transition table over `alphabet`. States:
 * 0..P: the prefix read up to i (P = its length: the owner comes next); then the owner after
 * `length` characters, the last one a `-` or not (2 states per length); then the suffix read up to
 * i ≥ 1. Where the owner may end, a character can also start the suffix: two next states.
 */
interface Automaton {
  next: number[][][];
  accepting: boolean[];
}

function automaton(shape: Shape, alphabet: readonly string[]): Automaton {
  const P = shape.prefix.length;
  const S = shape.suffix.length;
  const owner = (length: number, dash: boolean) => P + 1 + (length - 1) * 2 + (dash ? 1 : 0);
  const suffix = (i: number) => P + 1 + OWNER_MAX * 2 + (i - 1);
  const size = P + 1 + OWNER_MAX * 2 + S;
  const next: number[][][] = Array.from({ length: size }, () => alphabet.map(() => []));
  const accepting: boolean[] = new Array<boolean>(size).fill(false);
  alphabet.forEach((c, k) => {
    const slug = /^[a-z0-9-]$/.test(c);
    for (let i = 0; i < P; i++) if (shape.prefix[i] === c) next[i]![k]!.push(i + 1);
    if (slug && c !== "-") next[P]![k]!.push(owner(1, false));
    for (let length = 1; length <= OWNER_MAX; length++) {
      for (const dash of [false, true]) {
        const from = next[owner(length, dash)]![k]!;
        if (length < OWNER_MAX && slug) from.push(owner(length + 1, c === "-"));
        if (!dash && S > 0 && shape.suffix[0] === c) from.push(suffix(1));
      }
    }
    for (let i = 1; i < S; i++) if (shape.suffix[i] === c) next[suffix(i)]![k]!.push(suffix(i + 1));
  });
  if (S > 0) accepting[suffix(S)] = true;
  else for (let length = 1; length <= OWNER_MAX; length++) accepting[owner(length, false)] = true;
  return { next, accepting };
}

const shared = new Map<string, string | null>();

/**
 * The shortest string both shapes produce, or undefined (remembered: the app loads the same
 * config on every event). The owner automaton treats every letter and digit alike, so the
 * alphabet is the literal characters plus one letter, one digit and `-`.
 */
function sharedNamespace(a: Shape, b: Shape): string | undefined {
  const key = JSON.stringify([a, b]);
  if (!shared.has(key)) {
    if (shared.size > 1000) shared.clear();
    shared.set(key, search(a, b) ?? null);
  }
  return shared.get(key) ?? undefined;
}

function search(a: Shape, b: Shape): string | undefined {
  const literal = new Set([...a.prefix, ...a.suffix, ...b.prefix, ...b.suffix]);
  // A letter no literal uses comes first, so the witness reads `a-staging` rather than `s-staging`.
  const alphabet = [firstNotIn("abcdefghijklmnopqrstuvwxyz", literal), firstNotIn("0123456789", literal), ...literal, "-"].filter(
    (c, index, all): c is string => c !== undefined && all.indexOf(c) === index,
  );
  const x = automaton(a, alphabet);
  const y = automaton(b, alphabet);
  const width = y.accepting.length;
  // Breadth-first over pairs of states; `from` and `via` spell the shortest path back.
  const from = new Map<number, number>([[0, -1]]);
  const via = new Map<number, number>();
  let frontier = [0];
  while (frontier.length > 0) {
    const following: number[] = [];
    for (const pair of frontier) {
      const p = Math.floor(pair / width);
      const q = pair % width;
      if (x.accepting[p] && y.accepting[q]) return spell(pair, from, via, alphabet);
      for (let k = 0; k < alphabet.length; k++) {
        for (const p2 of x.next[p]![k]!) {
          for (const q2 of y.next[q]![k]!) {
            const to = p2 * width + q2;
            if (from.has(to)) continue;
            from.set(to, pair);
            via.set(to, k);
            following.push(to);
          }
        }
      }
    }
    frontier = following;
  }
  return undefined;
}

function spell(end: number, from: ReadonlyMap<number, number>, via: ReadonlyMap<number, number>, alphabet: readonly string[]): string {
  const chars: string[] = [];
  for (let at = end; from.get(at)! !== -1; at = from.get(at)!) chars.push(alphabet[via.get(at)!]!);
  return chars.reverse().join("");
}

function firstNotIn(candidates: string, used: ReadonlySet<string>): string | undefined {
  return [...candidates].find((c) => !used.has(c));
}
