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
 * A state reading `prefix · owner · suffix`: in the prefix after i characters (i = its length: the
 * owner comes next), in the owner after `length` characters (the last one a `-` or not), or in the
 * suffix after i characters.
 */
type State = { at: "prefix"; i: number } | { at: "owner"; length: number; dash: boolean } | { at: "suffix"; i: number };

function key(state: State): string {
  return state.at === "owner" ? `o${state.length}${state.dash ? "-" : ""}` : `${state.at[0]}${state.i}`;
}

const isSlugChar = (c: string) => /^[a-z0-9-]$/.test(c);

/** Every state reachable from `state` on `c` (more than one where the owner may end here or go on). */
function step(shape: Shape, state: State, c: string): State[] {
  if (state.at === "prefix") {
    if (state.i < shape.prefix.length) return shape.prefix[state.i] === c ? [{ at: "prefix", i: state.i + 1 }] : [];
    // The prefix is read: the owner starts with a letter or digit.
    return c !== "-" && isSlugChar(c) ? [{ at: "owner", length: 1, dash: false }] : [];
  }
  if (state.at === "owner") {
    const next: State[] = [];
    if (state.length < OWNER_MAX && isSlugChar(c)) next.push({ at: "owner", length: state.length + 1, dash: c === "-" });
    // The owner may end here (it does not end with `-`): the character belongs to the suffix.
    if (!state.dash && shape.suffix[0] === c) next.push({ at: "suffix", i: 1 });
    return next;
  }
  return state.i < shape.suffix.length && shape.suffix[state.i] === c ? [{ at: "suffix", i: state.i + 1 }] : [];
}

function accepting(shape: Shape, state: State): boolean {
  if (state.at === "suffix") return state.i === shape.suffix.length;
  return state.at === "owner" && !state.dash && shape.suffix.length === 0;
}

/**
 * The shortest string both shapes produce, or undefined. The owner automaton treats every letter
 * and digit alike, so the alphabet is the literal characters plus one letter, one digit and `-`.
 */
function sharedNamespace(a: Shape, b: Shape): string | undefined {
  const literal = new Set([...a.prefix, ...a.suffix, ...b.prefix, ...b.suffix]);
  // A letter no literal uses comes first, so the witness reads `a-staging` rather than `s-staging`.
  const alphabet = [firstNotIn("abcdefghijklmnopqrstuvwxyz", literal), firstNotIn("0123456789", literal), ...literal, "-"].filter(
    (c, index, all): c is string => c !== undefined && all.indexOf(c) === index,
  );
  const start: [State, State] = [{ at: "prefix", i: 0 }, { at: "prefix", i: 0 }];
  const seen = new Map<string, { from: string | null; c: string }>([[pairKey(start), { from: null, c: "" }]]);
  let frontier: Array<[State, State]> = [start];
  while (frontier.length > 0) {
    const next: Array<[State, State]> = [];
    for (const pair of frontier) {
      const here = pairKey(pair);
      if (accepting(a, pair[0]) && accepting(b, pair[1])) return spell(seen, here);
      for (const c of alphabet) {
        for (const x of step(a, pair[0], c)) {
          for (const y of step(b, pair[1], c)) {
            const k = pairKey([x, y]);
            if (seen.has(k)) continue;
            seen.set(k, { from: here, c });
            next.push([x, y]);
          }
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

function pairKey([x, y]: [State, State]): string {
  return `${key(x)}|${key(y)}`;
}

function spell(seen: ReadonlyMap<string, { from: string | null; c: string }>, end: string): string {
  const chars: string[] = [];
  for (let at: string | null = end; at !== null; ) {
    const entry: { from: string | null; c: string } = seen.get(at)!;
    chars.push(entry.c);
    at = entry.from;
  }
  return chars.reverse().join("");
}

function firstNotIn(candidates: string, used: ReadonlySet<string>): string | undefined {
  return [...candidates].find((c) => !used.has(c));
}
