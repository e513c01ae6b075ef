/** The tables `npm run bench` prints. */

const STAGES = ["parse+validate", "resolve+policies", "render", "plan", "report"];

export const TARGETS = { wholePlanMs: 2000, renderOverFloor: 5, peakRssMiB: 300, cliPlanMs: 500, ackP99Ms: 10_000, applyGitOverFloor: 1.25 };

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
      `(${cli.gitopsFiles.toLocaleString("en-US")} files, ${cli.gitopsCommits} commits); ${cli.changes} file changes planned. ` +
      `Target ≤ ${TARGETS.cliPlanMs} ms: ${cli.planMs <= TARGETS.cliPlanMs ? "met" : "NOT met"} (${ratio(cli.planMs, cli.nodeStartMs)} of starting Node).`,
  );
}

export function printApply(a) {
  console.log(
    `\nFirst \`paved apply\` of ${a.services} services (${a.files.toLocaleString("en-US")} files), whole process: ${ms(a.applyMs)} ms (median of ${a.runs}) — ` +
      `\`git fast-import\` of the same files: ${ms(a.fastImportMs)} ms (${ratio(a.applyMs, a.fastImportMs)}); ` +
      `fast-import + \`reset --hard\` (a work tree that shows them, as apply leaves it): ${ms(a.fastImportCheckoutMs)} ms (${ratio(a.applyMs, a.fastImportCheckoutMs)}); ` +
      `\`node -e ""\`: ${ms(a.nodeStartMs)} ms.` +
      `\nWhere it goes: \`paved plan\` of the same manifest (all but the write) ${ms(a.planMs)} ms; git processes running during the apply ${ms(a.applyGitMs)} ms ` +
      `(${ratio(a.applyGitMs, a.fastImportCheckoutMs)} of fast-import + \`reset --hard\`); apply − plan: ${ms(a.applyMs - a.planMs)} ms. ` +
      `The write ${a.applyGitMs <= a.fastImportCheckoutMs * TARGETS.applyGitOverFloor ? "is at" : "is NOT near"} git's own floor (≤ ${TARGETS.applyGitOverFloor}×); the rest is planning the ${a.services} services cold.`,
  );
}

export function printBurst(rows) {
  console.log(
    "\nBursts of pull-request deliveries across 10 repositories, production throttling (writes 1 s apart, comments 3 s apart)," +
      "\nthe service in a process of its own; floor = a Probot app with no logic making the same calls once per head:\n",
  );
  table(
    ["deliveries", "app", "acked", "ack p50", "ack p99", "all done", "× floor", "plans", "superseded", "failed", "in progress", "GitHub calls", "peak RSS"],
    rows.map((r) => {
      const floor = rows.find((f) => f.app === "floor" && f.deliveries === r.deliveries);
      return [
        r.deliveries,
        r.app,
        r.acknowledged,
        `${r.ackP50Ms} ms`,
        `${r.ackP99Ms} ms`,
        `${r.doneSeconds.toFixed(1)} s`,
        floor ? ratio(r.doneSeconds, floor.doneSeconds) : "",
        r.planned,
        r.superseded ?? "",
        r.failed ?? "",
        r.inProgress ?? "",
        r.githubCalls,
        r.peakRssMiB === null ? "n/a" : `${Math.round(r.peakRssMiB)} MiB`,
      ];
    }),
  );
  const paved = rows.filter((r) => r.app === "paved");
  const ok = paved.every((r) => r.ackP99Ms < TARGETS.ackP99Ms && r.failed === 0 && r.inProgress === 0);
  console.log(`Every delivery handled exactly once, none left in progress, ack p99 < ${TARGETS.ackP99Ms / 1000} s: ${ok ? "met" : "NOT met"}.`);
}

export function printApi(rows) {
  console.log("\nGitHub API calls per event (real app against the fake GitHub; every request counted):\n");
  table(
    ["changed files", "PR event", "merge", "Contents API merge (GET + PUT per file, computed)"],
    rows.map((r) => [r.changedFiles.toLocaleString("en-US"), r.pullRequest.total, r.merge.total, r.contentsApiMerge.toLocaleString("en-US")]),
  );
}
