/**
 * Patterns the platform team writes (policies, a chart's values schema) run on strings a pull
 * request chooses. JavaScript's engine backtracks: `^(a+)+$` is exponential and even `\s+$` is
 * quadratic (14 s on four 32k-character env values), on the event loop every repository shares.
 * RE2 (here its pure-JS port, re2js) matches in time linear in the input, whatever the pattern, so
 * the question "is this pattern safe?" is no longer guessed at: every pattern runs on RE2.
 *
 * What RE2 cannot express in linear time — lookahead, lookbehind, backreferences — is refused when
 * the schema compiles, with the reason. A pattern must also be a valid ECMA-262 expression (JSON
 * Schema's dialect), so a pattern's meaning never depends on which engine reads it; the remaining
 * difference is RE2's ASCII-only `\s` and `\b`, said in docs/limits.md.
 */
import { RE2JS } from "re2js";

/** A pattern that is not a regular expression, or one RE2 cannot run. */
export class PatternError extends Error {}

interface RegExpLike {
  test(text: string): boolean;
  /** Ajv keys its compiled patterns by this: it must differ between patterns. */
  toString(): string;
}

/**
 * Ajv's `code.regExp`: every `pattern` and `patternProperties` key of a schema compiles here once.
 * `flags` is Ajv's (`u` by default): RE2 always reads code points, so it changes nothing here.
 */
export const linearRegExp = Object.assign(
  (pattern: string, flags: string): RegExpLike => {
    try {
      new RegExp(pattern, flags); // its syntax is ECMA-262's; only RE2 runs it
    } catch (error) {
      throw new PatternError(`the pattern \`${pattern}\` is not a valid regular expression: ${(error as Error).message}`);
    }
    const reason = unsupported(pattern);
    if (reason) throw new PatternError(refusal(pattern, reason));
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch (error) {
      throw new PatternError(refusal(pattern, (error as Error).message.replace(/^error parsing regexp: /, "")));
    }
    return { test: (text) => compiled.test(text), toString: () => `/${pattern}/${flags}` };
  },
  { code: "linearRegExp" }, // for Ajv's standalone code, which Paved does not generate
);

function refusal(pattern: string, reason: string): string {
  return `the pattern \`${pattern}\` cannot run in linear time (${reason}); Paved runs patterns with RE2, which has no lookahead \`(?=\`, \`(?!\`, lookbehind \`(?<=\`, \`(?<!\` or backreferences \`\\1\`, \`\\k<name>\`: rewrite it without them`;
}

/**
 * Constructs RE2JS's translation would change instead of refusing: a named backreference `\k<n>`
 * becomes the literal `k<n>`. Scans escapes only (a `\\` pair is a literal backslash).
 */
function unsupported(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== "\\") continue;
    if (pattern[i + 1] === "k") return "a backreference `\\k<…>`";
    i++;
  }
  return undefined;
}
