/** `paved status`: what Argo CD reported for each Paved commit of a local GitOps clone. */
import { resolve } from "node:path";
import { hasErrors } from "../core/diagnostic.js";
import { parseArgoEvent, type ArgoEvent } from "../feedback/argocd-event.js";
import { replayEvents, type ReplayedDeployment } from "../feedback/replay.js";
import { localHistory, localTouching } from "../gitops/history.js";
import { gitRunner } from "../gitops/local.js";
import { diagnosticLine } from "../report/diagnostic-line.js";
import { escapeTerminalLine } from "../report/escape.js";
import { oneOf, parseCommandArgs, type Command } from "./args.js";
import { CliError, loadCliConfig, readText, type Io } from "./io.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./exit.js";

const FORMATS = ["text", "json"] as const;

export const statusCommand: Command = {
  summary: "Show each Paved deployment's state from a GitOps clone and an Argo CD webhook log",
  usage: `Usage: paved status --gitops DIR [--events FILE] [--config FILE] [--limit N] [--format text|json]

Lists the Paved commits of the GitOps repository checked out in DIR (newest first) and, for each
environment they changed, the deployment's state: queued until Argo CD reports, then in progress,
success or failure in Argo CD's words — the same rules the App applies to GitHub Deployments.

Options:
  --gitops DIR     a local clone of the GitOps repository (required)
  --events FILE    Argo CD Notifications webhook bodies, as Paved's templates render them: one JSON
                   object per line, or one JSON array (default: none, so everything is queued)
  --config FILE    the org config (default: .github/paved.yml when present, else built-in defaults)
  --limit N        how many GitOps commits to read (default 20)
  --format FORMAT  text (default) or json
  -h, --help       show this help

Exit status: 0 shown, 1 invalid config or events file, 2 usage or I/O problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseCommandArgs(
      "status",
      args,
      { gitops: { type: "string" }, events: { type: "string" }, config: { type: "string" }, limit: { type: "string" }, format: { type: "string" } },
      0,
    );
    const format = oneOf("status", "format", values.format, FORMATS, "text");
    if (typeof values.gitops !== "string") throw new CliError("paved status: `--gitops DIR` is required: a local clone of the GitOps repository; see `paved status --help`", EXIT_USAGE);
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new CliError(`paved status: \`--limit\` must be a positive whole number, not \`${String(values.limit)}\``, EXIT_USAGE);
    const loaded = await loadCliConfig(io, typeof values.config === "string" ? values.config : undefined);
    if (!loaded.config || hasErrors(loaded.diagnostics)) {
      for (const d of loaded.diagnostics) io.stderr.write(`${diagnosticLine(d, { code: "none" })}\n`);
      return EXIT_FAILED;
    }
    const events = typeof values.events === "string" ? parseEventLog(values.events, await readText(io, values.events, "Argo CD events log")) : [];
    const git = gitRunner(resolve(io.cwd, values.gitops));
    let history;
    try {
      history = await localHistory(git, limit);
    } catch (error) {
      throw new CliError(`paved status: cannot read the GitOps history in ${values.gitops}: ${(error as Error).message}`, EXIT_USAGE);
    }
    const replay = await replayEvents(history, events, loaded.config, localTouching(git));
    io.stdout.write(format === "json" ? `${JSON.stringify(replay.deployments.map(jsonOf), null, 2)}\n` : text(replay.deployments, replay.notes));
    return EXIT_OK;
  },
};

/** JSON Lines, or one JSON array; a bad line is a located error. */
export function parseEventLog(file: string, content: string): ArgoEvent[] {
  const trimmed = content.trim();
  const entries: Array<{ line: number; value: unknown }> = [];
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new CliError(`${file}:1:1: error: not a JSON array of Argo CD webhook bodies: ${(error as Error).message}`, EXIT_FAILED);
    }
    if (Array.isArray(parsed)) parsed.forEach((value) => entries.push({ line: 1, value }));
  } else {
    content.split("\n").forEach((raw, i) => {
      if (raw.trim() === "") return;
      try {
        entries.push({ line: i + 1, value: JSON.parse(raw) });
      } catch (error) {
        throw new CliError(`${file}:${i + 1}:1: error: not JSON (one webhook body per line): ${(error as Error).message}`, EXIT_FAILED);
      }
    });
  }
  return entries.map(({ line, value }) => {
    const parsed = parseArgoEvent(value);
    if (!parsed.ok) throw new CliError(`${file}:${line}:1: error: ${parsed.reason}`, EXIT_FAILED);
    return parsed.event;
  });
}

const ICONS: Record<string, string> = { queued: "⏳", in_progress: "🔄", success: "✅", failure: "❌", error: "⚠️", inactive: "✅" };

function text(deployments: ReplayedDeployment[], notes: string[]): string {
  if (deployments.length === 0) return "No Paved commits in the GitOps history.\n";
  const lines: string[] = [];
  let commit = "";
  const width = Math.max(...deployments.map((d) => d.environment.length));
  for (const d of deployments) {
    if (d.gitopsCommit !== commit) {
      commit = d.gitopsCommit;
      const pr = d.pullRequest !== undefined ? ` (#${d.pullRequest})` : "";
      lines.push(`${d.source.repository}@${d.source.sha.slice(0, 7)}${pr} → GitOps ${commit.slice(0, 7)}`);
    }
    lines.push(`  ${d.environment.padEnd(width)}  ${ICONS[d.facts.state]} ${d.facts.state.padEnd(11)} ${escapeTerminalLine(d.description)}`);
  }
  if (notes.length > 0) lines.push("", "Events that changed nothing:", ...notes.map((n) => `  ${escapeTerminalLine(n)}`));
  return `${lines.join("\n")}\n`;
}

function jsonOf(d: ReplayedDeployment) {
  return {
    gitopsCommit: d.gitopsCommit,
    source: d.source,
    ...(d.pullRequest !== undefined ? { pullRequest: d.pullRequest } : {}),
    environment: d.environment,
    state: d.facts.state,
    description: d.description,
    applications: d.facts.applications.map((a) => ({ ...a, phase: d.facts.units.get(a.application)?.phase ?? "waiting" })),
  };
}
