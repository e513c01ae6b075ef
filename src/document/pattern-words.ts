/**
 * Every `pattern` in the schemas, said in words (and, where a slip is common, with a fix).
 * Keyed by the pattern text; test/manifest-schema.test.ts checks every schema pattern is covered,
 * so a new pattern cannot fall through to a bare regular expression.
 */
import { cpuHint, envNameSuggestion, hostHint, imageHint, memoryHint, pathHint, slugSuggestion } from "./hints.js";

export interface PatternWords {
  /** The rule in words, completing "must be …" / "is …". */
  words: string;
  /** Advice for this value that replaces the rule, when the slip can be diagnosed ("write `256Mi`"). */
  hint?: (value: string) => string | undefined;
  /** A corrected value to offer after the rule ("did you mean `payments`?"). */
  suggestion?: (value: string) => string | undefined;
}

const SLUG = "^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$";
const LABEL_40 = "^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$";
const IMAGE =
  "^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(?:@(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}))?|@(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}))$";
const HOST = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$";

function slugFix(pattern: string): (value: string) => string | undefined {
  const regex = new RegExp(pattern);
  return (value) => slugSuggestion(value, regex);
}

const TABLE: Record<string, PatternWords> = {
  [SLUG]: {
    words: "lowercase letters, digits and hyphens, starting and ending with a letter or digit, at most 40 characters",
    suggestion: slugFix(SLUG),
  },
  [LABEL_40]: {
    words: "lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit, at most 40 characters",
    suggestion: slugFix(LABEL_40),
  },
  "^[A-Za-z_][A-Za-z0-9_]*$": {
    words: "letters, digits and underscores, not starting with a digit",
    suggestion: envNameSuggestion,
  },
  "^[a-z][-a-z0-9]{0,62}$": {
    words: "lowercase letters, digits and hyphens, starting with a letter, at most 63 characters",
    suggestion: slugFix("^[a-z][-a-z0-9]{0,62}$"),
  },
  "^[a-z0-9][-a-z0-9]{0,62}$": {
    words: "lowercase letters, digits and hyphens, starting with a letter or digit, at most 63 characters",
    suggestion: slugFix("^[a-z0-9][-a-z0-9]{0,62}$"),
  },
  "^[A-Za-z][A-Za-z0-9_]{0,62}$": {
    words: "letters, digits and underscores, starting with a letter, at most 63 characters",
  },
  [HOST]: { words: "a lowercase host name like `api.example.com`", hint: hostHint },
  "^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$": { words: "an HTTP path starting with `/`", hint: pathHint },
  "^([1-9][0-9]*m|[0-9]+(\\.[0-9]{1,3})?)$": {
    words: "millicores like `250m` or cores like `0.5`",
    hint: cpuHint,
  },
  "^[1-9][0-9]{0,4}[mhd]$": { words: "a duration: a whole number then m, h or d, like `7d` or `12h`" },
  "^[1-9][0-9]*(Ki|Mi|Gi|Ti)$": {
    words: "a whole number followed by Ki, Mi, Gi or Ti, like `256Mi`",
    hint: memoryHint,
  },
  // The OCI reference grammar; the hint explains which part is wrong.
  [IMAGE]: {
    words: "an image reference with a tag or a digest, like `ghcr.io/acme/api:1.0.0`",
    hint: imageHint,
  },
  // Org config patterns.
  "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$": { words: "`owner/name`, like `acme/gitops`" },
  "^[A-Za-z0-9._/-]{1,200}$": { words: "a branch name: letters, digits, `.`, `_`, `-` and `/`" },
  "(^|/)\\.|\\.\\.|//|/$|\\.lock$": {
    words: "a valid branch name (no `..`, `//`, leading `.`, trailing `/` or `.lock` suffix)",
  },
  "^(?:[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*)?$": {
    words: "a relative folder like `clusters/apps` (no leading `/`, no `..`), or \"\" for the repository root",
  },
  "^[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*$": {
    words: "a relative file path like `platform.yaml`",
  },
  "^[a-z0-9][a-z0-9._-]*$": { words: "lowercase letters, digits, `.`, `_` and `-`" },
  "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$": {
    words: "a Kubernetes name: lowercase letters, digits and hyphens, at most 63 characters",
  },
  "^[-a-z0-9{}]+$": {
    words: "lowercase letters, digits, hyphens and the placeholders `{owner}` and `{env}`",
  },
  "^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$": {
    words: "lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit",
  },
  "^([a-z0-9.-]+/)?v[0-9]+[a-z0-9]*$": { words: "`group/version`, like `database.acme.io/v1alpha1`" },
  "^[A-Z][A-Za-z0-9]*$": { words: "a Kubernetes kind in PascalCase, like `PostgreSQLInstance`" },
  "^[A-Za-z0-9_.-]+$": { words: "letters, digits, `_`, `.` and `-`" },
  "^https?://": { words: "a URL starting with `http://` or `https://`" },
  "^[a-z0-9][a-z0-9-]{0,62}$": {
    words: "lowercase letters, digits and hyphens, starting with a letter or digit, at most 63 characters",
  },
};

export function patternWords(pattern: string): PatternWords | undefined {
  return Object.prototype.hasOwnProperty.call(TABLE, pattern) ? TABLE[pattern] : undefined;
}
