/** The tables `npm run bench` prints. */

const STAGES = ["parse+validate", "resolve+policies", "render", "plan", "report"];

export const TARGETS = { wholePlanMs: 2000, renderOverFloor: 5, peakRssMiB: 300 };

const ms = (v) => (v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1));
const ratio = (v, floor) => `${(v / floor).toFixed(2)}×`;

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

export function printStages(stages) {
  const runs = [...new Set(stages.map((s) => s.runs))].join("/");
  console.log(
    `\nStages, summed over the manifests of a size: median ms of ${runs} runs (× = ratio to the floor: js-yaml dump of the same rendered objects).` +
      "\n1,000 services = 10 manifests × 100 services (a manifest holds at most 100). Environments: staging, canary, production." +
      "\nPlan: against a GitOps tree holding every manifest's previous render, with 1% of the units changed (at least one)." +
      "\nPeak RSS: one cold pass (schemas and templates compiled, every stage) in a fresh process of its own.\n",
  );
  table(
    ["services", "manifests", "files", ...STAGES, "whole plan", "floor", "peak RSS"],
    stages.map((s) => [
      s.size.toLocaleString("en-US"),
      `${s.manifests} × ${s.servicesPerManifest}`,
      s.produced.files.toLocaleString("en-US"),
      ...STAGES.map((stage) => `${ms(s.stagesMs[stage])} (${ratio(s.stagesMs[stage], s.stagesMs.floor)})`),
      `${ms(s.pipelineMs)} (${ratio(s.pipelineMs, s.stagesMs.floor)})`,
      ms(s.stagesMs.floor),
      `${Math.round(s.rssMiB.peak)} MiB`,
    ]),
  );
  const cold = stages.map((s) => `${s.size.toLocaleString("en-US")}: ${ms(STAGES.reduce((sum, stage) => sum + s.coldPassMs[stage], 0))} ms`);
  console.log(`\nThe same pass cold (first run in a fresh process, compiling schemas and templates): ${cold.join(", ")}.`);
  const largest = stages.find((s) => s.size === 1000);
  if (largest?.overCap) {
    const o = largest.overCap;
    console.log(
      `One ${o.services.toLocaleString("en-US")}-service document (${o.lines.toLocaleString("en-US")} lines, over the cap): parse ${ms(o.parseMs)} ms, ` +
        `parse+validate ${ms(o.parseValidateMs)} ms, rejected with ${o.rejectedWith.join(", ")}.`,
    );
  }
  if (largest) {
    const met = (ok) => (ok ? "met" : "NOT met");
    const render = largest.stagesMs.render / largest.stagesMs.floor;
    console.log(
      `Targets at 1,000 services: whole plan < ${TARGETS.wholePlanMs} ms: ${met(largest.pipelineMs < TARGETS.wholePlanMs)} (${ms(largest.pipelineMs)} ms); ` +
        `render ≤ ${TARGETS.renderOverFloor}× floor: ${met(render <= TARGETS.renderOverFloor)} (${render.toFixed(2)}×); ` +
        `peak RSS < ${TARGETS.peakRssMiB} MiB: ${met(largest.rssMiB.peak < TARGETS.peakRssMiB)} (${Math.round(largest.rssMiB.peak)} MiB).`,
    );
  }
}

export function printCli(cli) {
  console.log(
    `\n\`paved plan\`, whole process: ${ms(cli.planMs)} ms (median of ${cli.runs}; \`node -e ""\` alone: ${ms(cli.nodeStartMs)} ms) — ` +
      `a ${cli.manifestServices}-service manifest against a local git GitOps repository holding ${cli.gitopsServices.toLocaleString("en-US")} services ` +
      `(${cli.gitopsFiles.toLocaleString("en-US")} files, ${cli.gitopsCommits} commits); ${cli.changes} file changes planned.`,
  );
}

export function printApi(rows) {
  console.log("\nGitHub API calls per event (real app against the fake GitHub; every request counted):\n");
  table(
    ["changed files", "PR event", "merge", "Contents API merge (GET + PUT per file, computed)"],
    rows.map((r) => [r.changedFiles.toLocaleString("en-US"), r.pullRequest.total, r.merge.total, r.contentsApiMerge.toLocaleString("en-US")]),
  );
}
