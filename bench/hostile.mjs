/**
 * `npm run bench -- hostile`: what the bounds of src/core/bounds.ts let through, measured (issue #14).
 * Each case runs in a process of its own (`node bench/hostile.mjs <case>`), so its peak RSS is its own;
 * the figures are the desired-state pipeline (parse → check → policies → render → index) on the
 * compiled code in dist/, beside floors: the same work without alias expansion, or on a plain
 * manifest of the same size.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { aliasBomb, aliasBombFloor, trailingSpaceManifest, TRAILING_SPACE_POLICY, wideService, withPolicy } from "../test/reliability/support/hostile-inputs.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const CASES = {
  "alias-largest": { what: "largest accepted alias manifest (3 aliases of a 928 kB env block, 3.7 MB expanded)", text: () => aliasBomb({ services: 3 }) },
  "alias-largest-parse": { what: "  its parse alone (aliases expanded)", text: () => aliasBomb({ services: 3 }), parseOnly: true },
  "alias-floor-parse": { what: "  floor: parse of the same anchor without aliases", text: () => aliasBombFloor(), parseOnly: true },
  "plain-equal": { what: "  floor: a plain manifest of the same size (one service, 29 × 32 kB env)", text: () => wideService({ entries: 29 }) },
  "alias-bomb": { what: "the alias bomb of the issue (936 kB; refused: expanded-too-large)", text: () => aliasBomb() },
  "trailing-space": { what: "policy `\\s+$` on 4 × 32k-space env values (RE2)", text: () => trailingSpaceManifest(), policy: TRAILING_SPACE_POLICY },
};

async function runCase(name) {
  const spec = CASES[name];
  const { loadConfig } = await import(`${ROOT}dist/config/load.js`);
  const { desiredState } = await import(`${ROOT}dist/flows/pipeline.js`);
  const { parseYaml } = await import(`${ROOT}dist/document/parse.js`);
  const { defaultTemplates } = await import(`${ROOT}dist/render/index.js`);
  const configText = readFileSync(`${ROOT}examples/paved.yml`, "utf8");
  const config = loadConfig(spec.policy ? withPolicy(configText, spec.policy) : configText, "paved.yml").config;
  const templates = defaultTemplates();
  const text = spec.text();
  const source = { repository: "acme/payments", id: "1", sha: "0".repeat(40) };
  const started = performance.now();
  let rendered = 0;
  let codes = [];
  if (spec.parseOnly) {
    codes = parseYaml(text, "platform.yaml").diagnostics.map((d) => d.code);
  } else {
    const desired = desiredState(text, "platform.yaml", config, source, templates);
    for (const content of desired.rendered.files.values()) rendered += Buffer.byteLength(content);
    if (desired.index) rendered += Buffer.byteLength(desired.index.content);
    codes = [...desired.check.diagnostics, ...desired.rendered.diagnostics].filter((d) => d.severity === "error").map((d) => d.code);
  }
  const ms = performance.now() - started;
  return { case: name, inputKB: Math.round(Buffer.byteLength(text) / 1000), renderedMB: +(rendered / 1e6).toFixed(1), ms: Math.round(ms), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), errors: [...new Set(codes)] };
}

/** Runs every case in its own process with `node` (bench/run.mjs's runner) and prints the table. */
export function benchHostile(node) {
  const rows = Object.keys(CASES).map((name) => {
    process.stderr.write(`bench: hostile ${name}…\n`);
    return JSON.parse(node(["bench/hostile.mjs", name]).trim().split("\n").pop());
  });
  console.log("\nHostile inputs (bounds of src/core/bounds.ts; one process per case)");
  console.log("| case | input kB | rendered MB | time ms | peak RSS MiB | errors |");
  console.log("|---|---:|---:|---:|---:|---|");
  for (const r of rows) console.log(`| ${CASES[r.case].what} | ${r.inputKB} | ${r.renderedMB} | ${r.ms} | ${r.peakRssMiB} | ${r.errors.join(", ") || "—"} |`);
  return rows;
}

if (process.argv[2] && import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runCase(process.argv[2])));
}
