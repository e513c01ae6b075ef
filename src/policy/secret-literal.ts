/**
 * `env-secret-literal`: a literal env value that looks like a credential is refused — a secret
 * belongs in the secret store (`secrets:`), not in the manifest, the GitOps repository and every
 * plan comment. Judged by the variable's name and by the value's shape; the message names the
 * variable and the reason, never the value.
 */
import { parseEnvValue } from "../manifest/placeholder.js";

/** `*_KEY`, `*_SECRET`, `*_TOKEN`, `PASSWORD`, … as a name's last word (or the whole name). */
const SECRET_NAME = /(?:^|_)(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD|PASS|CREDENTIALS?|PRIVATE_?KEY|API_?KEY|AUTH)$/i;

/** Well-known credential shapes (GitHub, AWS, Stripe, Slack, OpenAI, GitLab, Google, npm, PEM). */
const KNOWN_PREFIXES: Array<[RegExp, string]> = [
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/, "a GitHub token"],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/, "a GitHub token"],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\b[rs]k_(?:live|test)_[A-Za-z0-9]{10,}/, "a Stripe key"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/, "an API secret key"],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, "a GitLab token"],
  [/\bAIza[0-9A-Za-z_-]{35}/, "a Google API key"],
  [/\bnpm_[A-Za-z0-9]{36}/, "an npm token"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, "a URL with a password"],
];

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** Random-looking: long, one word, letters and digits mixed, and close to random in entropy. */
function highEntropy(value: string): boolean {
  return value.length >= 20 && !/\s/.test(value) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && entropy(value) >= 4.0;
}

/** Why a literal env value looks like a secret, or undefined. Placeholders and numbers never do. */
export function secretLikeReason(name: string, raw: string | number | boolean): string | undefined {
  if (typeof raw !== "string") return undefined;
  const parsed = parseEnvValue(raw);
  if (parsed.kind !== "literal" || parsed.text === "" || /^(?:true|false|\d+)$/i.test(parsed.text)) return undefined;
  for (const [pattern, what] of KNOWN_PREFIXES) if (pattern.test(parsed.text)) return `its value has the shape of ${what}`;
  if (SECRET_NAME.test(name)) return `its name \`${name}\` says it holds a secret`;
  if (highEntropy(parsed.text)) return "its value looks random, like a key or a token";
  return undefined;
}
