/**
 * Per-field advice for values that fail a schema pattern: what the user probably meant,
 * written as the fix ("write `256Mi`"), so nobody has to read a regular expression.
 */
import { parseImageReference } from "../core/image-ref.js";

const MEMORY_UNITS: Record<string, string> = {
  k: "Ki", kb: "Ki", ki: "Ki", kib: "Ki",
  m: "Mi", mb: "Mi", mi: "Mi", mib: "Mi",
  g: "Gi", gb: "Gi", gi: "Gi", gib: "Gi",
  t: "Ti", tb: "Ti", ti: "Ti", tib: "Ti",
};
const MEMORY_STEPS = ["Ki", "Mi", "Gi", "Ti"];

/** `256MB` → "write `256Mi`"; `0.5Gi` → "write `512Mi`". */
export function memoryHint(value: string): string {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  const generic = "write a whole number followed by Ki, Mi, Gi or Ti, like `256Mi`";
  if (!match) return generic;
  const unit = Object.prototype.hasOwnProperty.call(MEMORY_UNITS, match[2]!.toLowerCase())
    ? MEMORY_UNITS[match[2]!.toLowerCase()]!
    : undefined;
  if (match[2] === "") return `add a unit (Ki, Mi, Gi or Ti), like \`${Number(match[1])}Mi\``;
  if (unit === undefined) return `\`${match[2]}\` is not a memory unit; ${generic}`;
  let amount = Number(match[1]);
  let step = MEMORY_STEPS.indexOf(unit);
  if (amount === 0) return "memory must be more than 0, like `128Mi`";
  // Fractions go down a unit (0.5Gi = 512Mi) until the number is whole.
  while (!Number.isInteger(amount) && step > 0) {
    amount *= 1024;
    step -= 1;
  }
  return `write \`${Math.round(amount)}${MEMORY_STEPS[step]}\``;
}

/** `500M` → "write `500m`"; `0.5 cores` → "write `0.5`". */
export function cpuHint(value: string): string {
  const generic = "write millicores like `250m` or cores like `0.5` (at most three decimals)";
  const milli = /^\s*(\d+(?:\.\d+)?)\s*(m|mi|milli|millicores?|millicpus?)\s*$/i.exec(value);
  if (milli) {
    const amount = Number(milli[1]);
    if (amount === 0) return "cpu must be more than 0, like `100m`";
    if (!Number.isInteger(amount)) return `millicores are whole numbers: write \`${Math.round(amount) || 1}m\``;
    return `write \`${amount}m\``;
  }
  const cores = /^\s*(\d+(?:\.\d+)?)\s*(cores?|cpus?|vcpus?)?\s*$/i.exec(value);
  if (cores) {
    const amount = Number(cores[1]);
    if (amount === 0) return "cpu must be more than 0, like `100m`";
    const millicores = amount * 1000;
    if (Number.isInteger(millicores)) return `write \`${millicores}m\``;
    return `use at most three decimals: write \`${Math.max(1, Math.round(millicores))}m\``;
  }
  return generic;
}

/** Advice for a cpu written as a YAML number (`cpu: 0.5`), which is not a string. */
export function cpuNumberHint(value: number): string {
  const millicores = value * 1000;
  return Number.isInteger(millicores) && millicores > 0
    ? `quote it (\`"${value}"\`) or write millicores: \`${millicores}m\``
    : "write millicores like `250m`";
}

/** What is wrong with an image reference, in the order a person would check. */
export function imageHint(value: string): string {
  const example = "`ghcr.io/acme/api:1.0.0`";
  if (value.trim() === "") return `write an image reference like ${example}`;
  if (/\s/.test(value)) return "an image reference has no spaces";
  const scheme = /^[a-z]+:\/\//i.exec(value);
  if (scheme) return `drop the \`${scheme[0]}\`: write \`${value.slice(scheme[0].length)}\``;
  const { repository, tag, digest } = parseImageReference(value);
  if (digest !== undefined) {
    if (!/^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/.test(digest)) {
      return "a digest is written `@sha256:` followed by the hex digest (64 hex digits for sha256)";
    }
  } else if (tag === undefined) {
    return "add a tag like `:1.0.0` or a digest (`@sha256:…`); there is no implicit `latest`";
  } else if (tag === "") {
    return "the tag after `:` is empty; add a tag like `:1.0.0`";
  } else if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    return "a tag is up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`";
  }
  const firstSlash = repository.indexOf("/");
  const first = firstSlash === -1 ? "" : repository.slice(0, firstSlash);
  const hasRegistry = /[.:]/.test(first) || first === "localhost";
  const path = hasRegistry ? repository.slice(firstSlash + 1) : repository;
  if (path !== path.toLowerCase()) {
    const fixed = (hasRegistry ? `${first}/` : "") + path.toLowerCase() + value.slice(repository.length);
    return `repository names are lowercase: write \`${fixed}\``;
  }
  return `write a reference like ${example} or \`ghcr.io/acme/api@sha256:…\``;
}

/** A host that fails the RFC 1123 pattern: common slips first. */
export function hostHint(value: string): string {
  const scheme = /^[a-z]+:\/\//i.exec(value);
  if (scheme) return `write the host name only, without \`${scheme[0]}\``;
  if (value.includes("/")) return "write the host name only; the path goes in `ingress.path`";
  if (value.includes(":")) return "write the host name only, without a port";
  if (value !== value.toLowerCase()) return `host names are lowercase: write \`${value.toLowerCase()}\``;
  if (value.includes("_")) return "host names use hyphens, not underscores";
  return "a host name is dot-separated labels of lowercase letters, digits and hyphens, like `api.example.com`";
}

/** An HTTP path that fails its pattern. */
export function pathHint(value: string): string {
  if (!value.startsWith("/")) return `a path starts with \`/\`: write \`/${value}\``;
  return "percent-encode characters other than letters, digits and `-._~!$&'()*+,;=:@%/`";
}

/** Lowercase, hyphens for separators: the slug a user probably meant, if it is valid. */
export function slugSuggestion(value: string, pattern: RegExp): string | undefined {
  const slug = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  return slug !== value && pattern.test(slug) ? slug : undefined;
}

/** `log-level` → `LOG_LEVEL`-style: underscores for separators, if that makes it valid. */
export function envNameSuggestion(value: string): string | undefined {
  const name = value.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^([0-9])/, "_$1");
  return name !== value && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : undefined;
}
