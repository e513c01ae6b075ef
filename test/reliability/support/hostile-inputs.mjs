/**
 * Generated inputs that try to starve Paved (issue #14, item 6), shared by the tests and by
 * `npm run bench` (bench/hostile.mjs). Plain JavaScript so the bench can import it as it is.
 *
 * Each generator returns manifest text for the owner `payments`; sizes are parameters so a test can
 * build the input just over a bound and the largest input just under it.
 */

const HEADER = "apiVersion: paved.dev/v1\nowner: payments\n";

/** A long value that no built-in policy mistakes for a secret (low entropy, no known prefix). */
export function filler(length, seed = "a") {
  return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
}

/**
 * The alias bomb of the issue: one service's env anchored (`entries` values of `valueBytes`
 * each), and `services` more services that alias it. Under the alias count (≤ 100 aliases) and
 * node limits, yet it expands to services × entries × valueBytes bytes (a 967 kB file, ~95 MB).
 */
export function aliasBomb({ services = 99, entries = 29, valueBytes = 32_000 } = {}) {
  const env = Array.from({ length: entries }, (_, i) => `      E${i}: ${filler(valueBytes)}`).join("\n");
  let text = `${HEADER}services:\n  s0:\n    image: ghcr.io/acme/payments-api:1.4.2\n    replicas: 2\n    env: &env\n${env}\n`;
  for (let i = 1; i <= services; i++) text += `  s${i}:\n    image: ghcr.io/acme/payments-api:1.4.2\n    replicas: 2\n    env: *env\n`;
  return text;
}

/**
 * The same bytes as `aliasBomb` written out with no alias: what parsing costs without expansion,
 * the floor the bomb's parse is measured beside (one service holds all the values).
 */
export function aliasBombFloor(options = {}) {
  return aliasBomb({ ...options, services: 0 });
}

/**
 * A manifest with no alias whose rendered files are many times its size: one service with
 * `entries` env values of `valueBytes`, rendered in every environment of the config. With big
 * enough values, one Deployment alone is over the per-file bound.
 */
export function wideService({ entries = 30, valueBytes = 32_000, services = 1 } = {}) {
  const env = Array.from({ length: entries }, (_, i) => `      E${i}: ${filler(valueBytes)}`).join("\n");
  let text = `${HEADER}services:\n`;
  for (let i = 0; i < services; i++) text += `  s${i}:\n    image: ghcr.io/acme/payments-api:1.4.2\n    replicas: 2\n    env:\n${env}\n`;
  return text;
}

/**
 * One Deployment over the per-file bound from a file well under the input bounds: `entries` env
 * values written out, and `args` as 99 aliases of one 4 kB argument anchored in `command`.
 */
export function bigDeployment({ entries = 20, valueBytes = 32_000, args = 99 } = {}) {
  const env = Array.from({ length: entries }, (_, i) => `      E${i}: ${filler(valueBytes)}`).join("\n");
  const aliases = Array.from({ length: args }, () => "*arg").join(", ");
  return `${HEADER}services:\n  s0:\n    image: ghcr.io/acme/payments-api:1.4.2\n    replicas: 2\n    command: [&arg ${filler(4096, "c")}]\n    args: [${aliases}]\n    env:\n${env}\n`;
}

/**
 * Many services sharing one env map of `entries` long names (one anchor, an alias per service): the
 * ownership index lists every name (with a digest of its value) for every unit, so it grows with
 * services × environments × names. Values stay short so the rendered files stay small.
 */
export function manyEnvNames({ services = 100, entries = 330, nameLength = 120 } = {}) {
  const names = Array.from({ length: entries }, (_, i) => `E${String(i).padStart(4, "0")}${filler(nameLength - 5, "X")}`);
  const env = names.map((name) => `      ${name}: "1"`).join("\n");
  let text = `${HEADER}services:\n  s0:\n    image: ghcr.io/acme/payments-api:1.4.2\n    replicas: 2\n    env: &env\n${env}\n`;
  for (let i = 1; i < services; i++) text += `  s${i}:\n    image: ghcr.io/acme/payments-api:1.4.2\n    replicas: 2\n    env: *env\n`;
  return text;
}

/** A policy whose pattern backtracks (quadratically: `\s+$`) on a long value that does not match. */
export const TRAILING_SPACE_POLICY = `  - id: no-trailing-space
    description: Env values do not end in spaces
    assert: { properties: { env: { additionalProperties: { not: { pattern: "\\\\s+$" } } } } }
`;

/** An org config text with one more policy item (`  - id: …`) first in its `policies:` list. */
export function withPolicy(configText, policy) {
  if (!/^policies:\n/m.test(configText)) return `${configText}\npolicies:\n${policy}`;
  return configText.replace(/^policies:\n/m, `policies:\n${policy}`);
}

/** Env values of `spaces` spaces then one letter: `\s+$` tries every start, each run to the end (n²/2 steps per value). */
export function trailingSpaceManifest({ entries = 4, spaces = 32_000 } = {}) {
  const env = Array.from({ length: entries }, (_, i) => `      E${i}: "${" ".repeat(spaces)}x"`).join("\n");
  return `${HEADER}services:\n  api:\n    image: ghcr.io/acme/payments-api:1.4.2\n    replicas: 2\n    env:\n${env}\n`;
}
