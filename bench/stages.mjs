/**
 * One size, in a process of its own: node bench/stages.mjs <size> <gitops-state.json> [--memory].
 * Prints one JSON object on stdout. Uses the compiled code in dist/ (`npm run build`).
 *
 * Per run, for every manifest of the size (1 manifest, or 10 for 1,000 services), in pipeline order:
 *   parse+validate    validateManifest: YAML parse with source map, schema, rules on each service
 *   resolve+policies  resolveManifest: units per environment, per-unit schema and rules, policies
 *   render            renderUnits: templates → files, every org template's file parsed back
 *   plan              ownership index, blobs the plan asks for (served from memory), plan against
 *                     the GitOps tree holding the previous render of every manifest (1% of units differ)
 *   report            markdownComment of the plan (the pull-request comment)
 * Stage times are summed over the manifests of a run; the median over runs is reported. Then:
 *   floor             js-yaml `dump` of every rendered object (parsed back from the last run's files
 *                     beforehand, outside the timing): what any renderer must at least spend writing
 *                     the same YAML.
 * With --memory: one cold pass and no floor, so the peak RSS is that of planning this size in a
 * fresh process (modules, compiled schemas and templates, the tree, every stage).
 */
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { loadConfig } from "../dist/config/load.js";
import { readPlanBlobs } from "../dist/flows/apply.js";
import { resolveManifest, validateManifest } from "../dist/manifest/check.js";
import { parseYaml } from "../dist/document/parse.js";
import { buildIndex } from "../dist/plan/ownership-index.js";
import { planner } from "../dist/flows/planner.js";
import { defaultTemplates, renderUnits } from "../dist/render/index.js";
import { locatedRender } from "../dist/document/locate.js";
import { markdownComment } from "../dist/report/markdown.js";
import { CONFIG_TEXT, SIZES, sourceOf, teamManifest } from "./fixtures.mjs";
import { median, peakRssMiB } from "./stats.mjs";

const [label, statePath, mode] = process.argv.slice(2);
const size = SIZES[label];
if (!size || !statePath) throw new Error("usage: node bench/stages.mjs <size> <gitops-state.json> [--memory]");
const memoryOnly = mode === "--memory";
const runs = memoryOnly ? 1 : size.teams > 1 ? 7 : 15;
const warmups = memoryOnly ? 0 : size.teams > 1 ? 1 : 3;
const FILE = "platform.yaml";
const VERSION = "bench";
const STAGES = ["parse+validate", "resolve+policies", "render", "plan", "report"];

const rssAtStart = peakRssMiB();
const { config, diagnostics: configDiagnostics } = loadConfig(CONFIG_TEXT, ".github/paved.yml");
if (!config) throw new Error(`bench config invalid: ${JSON.stringify(configDiagnostics)}`);
const templates = defaultTemplates();
const teams = Array.from({ length: size.teams }, (_, team) => ({
  source: sourceOf(team),
  text: teamManifest(team, size.services, { changed: size.changed }),
}));
const state = JSON.parse(readFileSync(statePath, "utf8"));
const snapshot = { treeId: state.treeId, tree: new Map(state.tree) };
const fetched = new Map(state.blobs);
// Serves what the plan asks for, as a GitOps writer would after fetching it.
const writer = {
  async readBlobs(paths) {
    return new Map(paths.filter((p) => fetched.has(p)).map((p) => [p, fetched.get(p)]));
  },
};
const rssAfterSetup = peakRssMiB();

/** One pass over every manifest; returns ms per stage and what the pass produced. */
async function pass(keepFiles = false) {
  const ms = Object.fromEntries(STAGES.map((s) => [s, 0]));
  const out = { files: 0, changes: 0, changedUnits: 0, units: 0, commentChars: 0 };
  for (const t of teams) {
    let at = performance.now();
    const lap = (stage) => {
      const now = performance.now();
      ms[stage] += now - at;
      at = now;
    };
    const validation = validateManifest(t.text, FILE, config);
    lap("parse+validate");
    const check = resolveManifest(validation, FILE, config);
    lap("resolve+policies");
    const rendered = locatedRender(renderUnits(check.units, config, t.source, templates), { [config.manifest]: { file: FILE, sourceMap: check.sourceMap } });
    lap("render");
    const index = buildIndex(check.units, rendered, t.source, config);
    const bound = planner(
      { rendered, units: check.units, diagnostics: check.diagnostics, index },
      { source: t.source, config, version: VERSION, manifestText: t.text, manifestFile: FILE, fetch: { diffLimit: 40 } },
    );
    const plan = bound.plan(snapshot, await readPlanBlobs(writer, bound, snapshot));
    lap("plan");
    const comment = markdownComment(plan, { source: t.source, manifestPath: FILE });
    lap("report");
    if (keepFiles) t.lastFiles = rendered.files; // for the floor, after the timed runs

    if (!plan.valid) throw new Error(`plan invalid: ${JSON.stringify(plan.diagnostics.slice(0, 3))}`);
    out.files += rendered.files.size;
    out.units += check.units.length;
    out.changes += plan.changes.length;
    out.changedUnits += plan.units.filter((u) => u.action !== "unchanged").length;
    out.commentChars += comment.length;
  }
  return { ms, out };
}

for (let i = 0; i < warmups; i++) await pass();
const samples = [];
let produced;
for (let i = 0; i < runs; i++) {
  const { ms, out } = await pass(!memoryOnly && i === runs - 1);
  samples.push(ms);
  produced = out;
}
const stages = Object.fromEntries(STAGES.map((s) => [s, median(samples.map((m) => m[s]))]));
const rssAfterStages = peakRssMiB();
const result = {
  size: Number(label),
  manifests: size.teams,
  servicesPerManifest: size.services,
  environments: config.environments.map((e) => e.name),
  gitopsFiles: snapshot.tree.size,
  fetchedBlobs: fetched.size,
  runs,
  produced,
};

if (memoryOnly) {
  result.rssMiB = { start: rssAtStart, afterSetup: rssAfterSetup, peak: rssAfterStages };
  result.coldPassMs = stages;
} else {
  // The floor: js-yaml writes the objects of the last run's files; parsed back outside the timing.
  const objects = teams.flatMap((t) => [...t.lastFiles.values()].flatMap((text) => yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA })));
  const floor = [];
  let yamlBytes = 0;
  for (let i = 0; i < warmups + runs; i++) {
    const at = performance.now();
    yamlBytes = 0;
    for (const object of objects) yamlBytes += yaml.dump(object, { lineWidth: -1, noRefs: true }).length;
    if (i >= warmups) floor.push(performance.now() - at);
  }
  stages.floor = median(floor);
  result.produced.objects = objects.length;
  result.produced.yamlBytes = yamlBytes;
  result.stagesMs = stages;
  result.pipelineMs = STAGES.reduce((sum, s) => sum + stages[s], 0);

  // Beyond the cap: one document with every service parsed and validated (the schema rejects it).
  if (size.teams > 1) {
    const text = teamManifest(0, size.teams * size.services);
    const parseMs = [];
    const validateMs = [];
    let diagnostics = [];
    for (let i = 0; i < 7; i++) {
      let at = performance.now();
      parseYaml(text, FILE);
      parseMs.push(performance.now() - at);
      at = performance.now();
      diagnostics = validateManifest(text, FILE, config).diagnostics;
      validateMs.push(performance.now() - at);
    }
    result.overCap = {
      services: size.teams * size.services,
      lines: text.split("\n").length - 1,
      parseMs: median(parseMs),
      parseValidateMs: median(validateMs),
      rejectedWith: [...new Set(diagnostics.map((d) => d.code))],
    };
  }
}
process.stdout.write(`${JSON.stringify(result)}\n`);
