/**
 * Policies and a chart's values schema are written by the platform team, but their `pattern`s run
 * on strings a pull request chooses. JavaScript's backtracking engine takes exponential time on
 * some patterns (`^(a+)+$` against `aaaa…a!`), which would stall the app for every repository. This
 * finds the shapes that backtrack exponentially, so such a schema is refused when it compiles:
 *
 * - a repeated group whose body can match the same text in more than one way: a repeat inside it
 *   with no required character that the repeat cannot also match (`(a+)+`, `(\w+\s?)*`,
 *   `([a-z0-9]+-?)+`; but `(\.[a-z]+)*` and `([a-z]+-)*` are fine);
 * - a repeated group whose alternatives can start with the same character (`(a|ab)+`, `(\w|\d)*`);
 * - backreferences (`\1`, `\k<name>`), which no linear engine supports either.
 *
 * A heuristic on purpose: it may refuse a pattern that is in fact safe (the message says how to
 * rewrite it), and polynomial blow-ups (`.*a.*b`) are left to the manifest's length limits.
 */

type Range = readonly [number, number];
type CharSet = Range[];

interface Atom {
  /** Every character the atom can consume. */
  chars: CharSet;
  /** Characters it can start with (an over-approximation for groups). */
  first: CharSet;
  min: number;
  max: number;
  /** It repeats (max > 1) or contains something that does. */
  repeats: boolean;
  /** Why repeating this group backtracks exponentially, if it would. */
  problem?: string;
}

interface Frame {
  /** Index of the opening parenthesis. */
  open: number;
  lookaround: boolean;
  alternatives: Atom[][];
}

const ANY: CharSet = [[0, 0x10ffff]];
const DIGIT: CharSet = [[0x30, 0x39]];
const WORD: CharSet = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: CharSet = [[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];

/** A pattern a schema run on pull-request values may use: exponential shapes are refused. */
export class UnsafePatternError extends Error {}

/**
 * Ajv's `code.regExp` for schemas that judge values a pull request chooses (policies, a chart's
 * values schema): every `pattern` and `patternProperties` key passes here once, at compile time.
 */
export const guardedRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const regExp = new RegExp(pattern, flags);
    const why = exponentialRegex(pattern);
    if (why) {
      throw new UnsafePatternError(
        `the pattern \`${pattern}\` could take exponential time on a string a pull request chooses, stalling Paved: ${why}`,
      );
    }
    return regExp;
  },
  { code: "new RegExp" },
);

/** Why `source` can take exponential time, or undefined when no such shape is found. */
export function exponentialRegex(source: string): string | undefined {
  try {
    return new Scanner(source).run();
  } catch (error) {
    if (error instanceof Unsafe) return error.message;
    return undefined; // not a pattern we understand: the RegExp constructor judges its syntax
  }
}

class Unsafe extends Error {}

class Scanner {
  private i = 0;
  private readonly stack: Frame[] = [{ open: 0, lookaround: false, alternatives: [[]] }];

  constructor(private readonly src: string) {}

  run(): undefined {
    const { src } = this;
    while (this.i < src.length) {
      const before = this.i;
      const c = src[this.i]!;
      if (c === "\\") this.escape();
      else if (c === "[") this.push(this.charClass());
      else if (c === "(") this.open();
      else if (c === ")") this.close();
      else if (c === "|") {
        this.frame().alternatives.push([]);
        this.i++;
      } else if (c === "*" || c === "+" || c === "?" || c === "{") this.quantifier();
      else if (c === "^" || c === "$") this.i++;
      else {
        const code = src.codePointAt(this.i)!;
        this.i += code > 0xffff ? 2 : 1;
        this.push(c === "." ? ANY : [[code, code]]);
      }
      if (this.i <= before) throw new Error("no progress: not a pattern this scanner understands");
    }
    return undefined;
  }

  private frame(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private current(): Atom[] {
    const alternatives = this.frame().alternatives;
    return alternatives[alternatives.length - 1]!;
  }

  private push(chars: CharSet): void {
    this.current().push({ chars, first: chars, min: 1, max: 1, repeats: false });
  }

  private escape(): void {
    const { src } = this;
    const next = src[this.i + 1];
    if (next === undefined) throw new Error("trailing backslash");
    if (/[1-9]/.test(next) || (next === "k" && src[this.i + 2] === "<")) {
      throw new Unsafe(`it uses a backreference (\`${next === "k" ? src.slice(this.i, src.indexOf(">", this.i) + 1) : `\\${next}`}\`), which can take exponential time`);
    }
    if ("bB".includes(next)) {
      this.i += 2; // word boundaries consume nothing
      return;
    }
    const { chars, end } = escapeAt(src, this.i);
    this.i = end;
    this.push(chars);
  }

  /** `[...]` at i: its characters (a negated class is its complement). */
  private charClass(): CharSet {
    const { src } = this;
    let i = this.i + 1;
    const negated = src[i] === "^";
    if (negated) i++;
    const set: Range[] = [];
    while (i < src.length && src[i] !== "]") {
      let chars: CharSet;
      if (src[i] === "\\") {
        const escaped = escapeAt(src, i, true);
        chars = escaped.chars;
        i = escaped.end;
      } else {
        const code = src.codePointAt(i)!;
        chars = [[code, code]];
        i += code > 0xffff ? 2 : 1;
      }
      // `a-z`: a range between two single characters.
      if (src[i] === "-" && src[i + 1] !== "]" && src[i + 1] !== undefined && chars.length === 1 && chars[0]![0] === chars[0]![1]) {
        const low = chars[0]![0];
        i++;
        let high: CharSet;
        if (src[i] === "\\") {
          const escaped = escapeAt(src, i, true);
          high = escaped.chars;
          i = escaped.end;
        } else {
          const code = src.codePointAt(i)!;
          high = [[code, code]];
          i += code > 0xffff ? 2 : 1;
        }
        set.push([low, high[0]![1]]);
        continue;
      }
      set.push(...chars);
    }
    if (i >= src.length) throw new Error("unterminated class");
    this.i = i + 1;
    return negated ? complement(set) : set;
  }

  private open(): void {
    const { src } = this;
    const open = this.i;
    let lookaround = false;
    if (src[this.i + 1] === "?") {
      const kind = src[this.i + 2];
      if (kind === "=" || kind === "!") {
        lookaround = true;
        this.i += 3;
      } else if (kind === "<" && (src[this.i + 3] === "=" || src[this.i + 3] === "!")) {
        lookaround = true;
        this.i += 4;
      } else if (kind === "<") {
        const close = src.indexOf(">", this.i);
        if (close === -1) throw new Error("unterminated group name");
        this.i = close + 1; // named group
      } else {
        this.i += 3; // (?: and modifiers
      }
    } else {
      this.i++;
    }
    this.stack.push({ open, lookaround, alternatives: [[]] });
  }

  private close(): void {
    if (this.stack.length === 1) throw new Error("unbalanced )");
    const frame = this.stack.pop()!;
    const text = this.src.slice(frame.open, this.i + 1);
    this.i++;
    if (frame.lookaround) return; // consumes nothing; its inside was checked as it was read
    const atoms = frame.alternatives.flat();
    const group: Atom = {
      chars: atoms.flatMap((a) => a.chars),
      first: frame.alternatives.flatMap(firstOf),
      min: 1,
      max: 1,
      repeats: atoms.some((a) => a.repeats),
    };
    const problem = groupProblem(frame.alternatives, text);
    if (problem) group.problem = problem;
    this.current().push(group);
  }

  private quantifier(): void {
    const { src } = this;
    let min: number;
    let max: number;
    const c = src[this.i]!;
    if (c === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.i));
      if (!match) throw new Error("not a quantifier");
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
      this.i += match[0].length;
    } else {
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
      this.i++;
    }
    if (src[this.i] === "?") this.i++; // lazy: the same backtracking on a failed match
    const atom = this.current().pop();
    if (!atom) throw new Error("nothing to repeat");
    if (max > 1 && atom.problem) throw new Unsafe(atom.problem);
    this.current().push({ ...atom, min: atom.min * min, max: atom.max * max, repeats: atom.repeats || max > 1 });
  }
}

/** Why repeating a group with these alternatives is exponential, if it is. */
function groupProblem(alternatives: Atom[][], text: string): string | undefined {
  const firsts = alternatives.map(firstOf);
  for (let a = 0; a < firsts.length; a++) {
    for (let b = a + 1; b < firsts.length; b++) {
      if (overlaps(firsts[a]!, firsts[b]!)) {
        return `the repeated group \`${text}\` has alternatives that can start with the same character, so a long string can be split between them in exponentially many ways; make the alternatives start differently, or use one character class`;
      }
    }
  }
  for (const sequence of alternatives) {
    if (!sequence.some((a) => a.repeats) || pinnedBySeparator(sequence)) continue;
    return `the repeated group \`${text}\` contains a repeat and can match the same text in more than one way (like \`(a+)+\`), which takes exponential time on a long string that does not match; repeat once (\`a+\`), or start or end each repetition with a required character nothing else in the group matches (\`([a-z]+-)*\`, \`(\\.[a-z]+)*\`)`;
  }
  return undefined;
}

/**
 * Each repetition of the sequence is pinned in place when it starts (or ends) with a required atom
 * whose characters nothing else in it matches: a single character, or a run followed (preceded) by
 * something else required. `(\.[a-z]+)*`, `([a-z]+-)*` and `(-+[a-z]+)*` are pinned; `(a+b*)*` is not.
 */
function pinnedBySeparator(sequence: Atom[]): boolean {
  for (const index of new Set([0, sequence.length - 1])) {
    const atom = sequence[index]!;
    if (atom.min < 1) continue;
    const others = sequence.filter((_, i) => i !== index);
    if (others.some((other) => overlaps(other.chars, atom.chars))) continue;
    if (!atom.repeats || others.some((other) => other.min >= 1)) return true;
  }
  return false;
}

/** Characters a sequence can start with: through its optional atoms up to the first required one. */
function firstOf(sequence: Atom[]): CharSet {
  const first: Range[] = [];
  for (const atom of sequence) {
    first.push(...atom.first);
    if (atom.min >= 1) break;
  }
  return first;
}

function overlaps(a: CharSet, b: CharSet): boolean {
  return a.some(([lo, hi]) => b.some(([l, h]) => lo <= h && l <= hi));
}

function complement(set: CharSet): CharSet {
  const sorted = [...set].sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

/** The characters of the escape at i (`\d`, `\x41`, `\u{1F600}`, `\p{L}`, `\.`) and where it ends. */
function escapeAt(src: string, i: number, inClass = false): { chars: CharSet; end: number } {
  const c = src[i + 1];
  if (c === undefined) throw new Error("trailing backslash");
  const single = (code: number, end: number) => ({ chars: [[code, code] as Range], end });
  switch (c) {
    case "d":
      return { chars: DIGIT, end: i + 2 };
    case "D":
      return { chars: complement(DIGIT), end: i + 2 };
    case "w":
      return { chars: WORD, end: i + 2 };
    case "W":
      return { chars: complement(WORD), end: i + 2 };
    case "s":
      return { chars: SPACE, end: i + 2 };
    case "S":
      return { chars: complement(SPACE), end: i + 2 };
    case "p":
    case "P": {
      const close = src.indexOf("}", i);
      return { chars: ANY, end: close === -1 ? i + 2 : close + 1 };
    }
    case "n":
      return single(0x0a, i + 2);
    case "r":
      return single(0x0d, i + 2);
    case "t":
      return single(0x09, i + 2);
    case "f":
      return single(0x0c, i + 2);
    case "v":
      return single(0x0b, i + 2);
    case "0":
      return single(0, i + 2);
    case "b":
      return inClass ? single(0x08, i + 2) : { chars: [], end: i + 2 };
    case "c":
      return single((src.charCodeAt(i + 2) || 0) % 32, i + 3);
    case "x":
      return single(parseInt(src.slice(i + 2, i + 4), 16) || 0, i + 4);
    case "u": {
      if (src[i + 2] === "{") {
        const close = src.indexOf("}", i);
        if (close === -1) throw new Error("unterminated \\u{");
        return single(parseInt(src.slice(i + 3, close), 16) || 0, close + 1);
      }
      return single(parseInt(src.slice(i + 2, i + 6), 16) || 0, i + 6);
    }
    default: {
      const code = src.codePointAt(i + 1)!;
      return single(code, i + (code > 0xffff ? 3 : 2));
    }
  }
}
