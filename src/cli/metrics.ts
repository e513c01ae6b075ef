/** `paved metrics`: the delivery metrics (DORA's four keys) from a local GitOps clone, as text or JSON. */
import { deliveryMetrics, type DeliveryMetrics } from "../metrics/delivery.js";
import { DEFAULT_WINDOW, parseWindow } from "../metrics/window.js";
import { duration, percent } from "../portal/format.js";
import { escapeTerminalLine } from "../report/escape.js";
import { oneOf, parseCommandArgs, type Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { LOCAL_FACTS_OPTIONS, LOCAL_FACTS_USAGE, localFactsReader } from "./portal-facts.js";
import { EXIT_OK, EXIT_USAGE } from "./exit.js";

const FORMATS = ["text", "json"] as const;

export const metricsCommand: Command = {
  summary: "Deployment frequency, lead time, change failure rate and time to restore, per org, team and service",
  usage: `Usage: paved metrics --gitops DIR [--source DIR]… [--window 30d] [--format text|json]

Production deployments are the units Paved's GitOps commits changed in production environments.
A local clone has no Argo CD reports, so deployments are dated by their GitOps commit and failures
are rollbacks only; the App's /portal/api/metrics uses the GitHub Deployment statuses as well.
The page (paved portal) explains each figure.

Options:
${LOCAL_FACTS_USAGE}
  --window W       how far back: a number and h, d or w (default ${DEFAULT_WINDOW})
  --format FORMAT  text (default) or json (the same shape as /portal/api/metrics)
  -h, --help       show this help

Exit status: 0 shown, 1 invalid config, 2 usage or I/O problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseCommandArgs("metrics", args, { ...LOCAL_FACTS_OPTIONS, window: { type: "string" }, format: { type: "string" } }, 0);
    const format = oneOf("metrics", "format", values.format, FORMATS, "text");
    const window = parseWindow(typeof values.window === "string" ? values.window : DEFAULT_WINDOW, Date.now());
    if ("error" in window) throw new CliError(`paved metrics: ${window.error}`, EXIT_USAGE);
    const facts = await (await localFactsReader("metrics", values, io))();
    const metrics = deliveryMetrics(facts.deployments, window);
    if (format === "json") {
      io.stdout.write(`${JSON.stringify({ window: { ...window, from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() }, ...metrics }, null, 2)}\n`);
      return EXIT_OK;
    }
    const lines = [`Delivery over the last ${window.label} (production deployments)`, "", ...block("org", metrics.org)];
    for (const t of metrics.teams) lines.push("", ...block(`team ${t.team}`, t.metrics));
    for (const s of metrics.services) lines.push("", ...block(`service ${s.service} (${s.repository})`, s.metrics));
    io.stdout.write(`${lines.map(escapeTerminalLine).join("\n")}\n`);
    return EXIT_OK;
  },
};

function block(name: string, m: DeliveryMetrics): string[] {
  const lead = m.leadTime;
  const basis = lead.toCommit > 0 ? ` (${lead.toCommit} of ${lead.toCommit + lead.toHealthy} measured to the GitOps commit)` : "";
  return [
    name,
    `  deployment frequency   ${m.deployments.count} (${m.deployments.perWeek} per week)`,
    `  lead time, first commit median ${duration(lead.firstCommit.median)}, p90 ${duration(lead.firstCommit.p90)} over ${lead.firstCommit.count}${basis}`,
    `  lead time, merge       median ${duration(lead.merge.median)}, p90 ${duration(lead.merge.p90)} over ${lead.merge.count}`,
    `  change failure rate    ${percent(m.changeFailure.rate)} (${m.changeFailure.failed} of ${m.changeFailure.total}, ${m.changeFailure.rolledBack} rolled back)`,
    `  time to restore        median ${duration(m.restore.durations.median)}, p90 ${duration(m.restore.durations.p90)} over ${m.restore.durations.count}; ${m.restore.open} not restored`,
  ];
}
