import type { FleetPlan, FleetSource } from "../plan/fleet.js";
import type { UnitChange } from "../plan/types.js";
import { codeSpan, escapeMarkdown, markdownMessage, safeUrl, tableCodeSpan } from "./escape.js";
import { fitSections, type Section } from "./fit.js";
import { CHECK_RUN_MAX_BYTES, COMMENT_MAX_CHARS, measureBytes, measureChars, type Measure } from "./limits.js";
import { count } from "./verdict.js";

/**
 * What an org config change does to the fleet, for the platform team: per environment, a table of
 * every source and service that changes; then the sources left as they are, with their diagnostics.
 * The same text is the `.github` pull request's check and comment, and the GitOps pull requests' bodies.
 */
export const FLEET_MARKER = "<!-- paved:fleet -->";

export interface FleetReportContext {
  /** `acme/.github@abc1234`: the config the fleet was re-rendered with. */
  configAt: string;
  /** Before a merge (the `.github` pull request's preview) the verbs say "would". */
  preview: boolean;
  /** The GitOps pull requests (or commit) this re-render produced. */
  delivered?: Array<{ name: string; url: string }>;
  /**
   * Shown where anyone may read it (a public `.github` repository): counts only, no source names or
   * diagnostics, which come from private repositories.
   */
  redacted?: boolean;
}

export function fleetVerdict(fleet: FleetPlan, ctx: Pick<FleetReportContext, "preview">): { title: string; conclusion: "success" | "failure" } {
  const changed = fleet.sources.filter((s) => s.kind === "planned" && s.plan.changes.length > 0).length;
  const broken = fleet.sources.filter((s) => s.kind !== "planned").length;
  const changes =
    fleet.changes.length === 0
      ? `no deployed file ${ctx.preview ? "would change" : "changes"} (${count(fleet.sources.length, "source")})`
      : `${count(fleet.changes.length, "file change")} in ${fleet.environments.join(", ") || "shared files"} across ${count(changed, "source")}`;
  const left = broken === 0 ? "" : `; ${count(broken, "source")} ${ctx.preview ? "would be" : broken === 1 ? "was" : "were"} left as ${broken === 1 ? "it is" : "they are"}`;
  return { title: `Fleet re-render: ${changes}${left}`, conclusion: broken === 0 ? "success" : "failure" };
}

export function fleetMarkdown(fleet: FleetPlan, ctx: FleetReportContext, limit = COMMENT_MAX_CHARS, measure: Measure = measureChars): string {
  const { title, conclusion } = fleetVerdict(fleet, ctx);
  const icon = conclusion === "success" ? "✅" : "⚠️";
  const head =
    `${FLEET_MARKER}\n## ${icon} Paved: ${escapeMarkdown(title)}\n\n` +
    `Every source in the GitOps repository's ownership index, re-rendered at the commit it was last applied from with the org config at ${codeSpan(ctx.configAt)}.\n\n`;
  const sections: Section[] = [];
  if (ctx.delivered && ctx.delivered.length > 0) {
    sections.push({
      heading: "### 🔀 Proposed\n\n",
      items: ctx.delivered.map((d, i) => `${i + 1}. ${codeSpan(d.name)}: ${safeUrl(d.url)}\n`),
      omitted: (n) => `… ${count(n, "more")} not shown\n`,
      trailer: "\n",
    });
  }
  if (ctx.redacted) return fitSections(head, [...sections, countSection(fleet)], "", limit, measure);
  sections.push(...environmentSections(fleet));
  const broken = fleet.sources.filter((s) => s.kind !== "planned");
  if (broken.length > 0) {
    sections.push({
      heading: `### ❌ Left as they are (${broken.length.toLocaleString("en-US")})\n\n`,
      items: broken.map(brokenItem),
      omitted: (n) => `- … ${count(n, "more source")} not shown\n`,
      trailer: "\n",
    });
  }
  const unchanged = fleet.sources.filter((s) => s.kind === "planned" && s.plan.changes.length === 0);
  if (unchanged.length > 0) {
    sections.push({
      heading: "### Unchanged\n\n",
      items: unchanged.map((s) => `- ${codeSpan(s.repository)} at ${commitText(s)}\n`),
      omitted: (n) => `- … ${count(n, "more source")} not shown\n`,
      trailer: "\n",
    });
  }
  return fitSections(head, sections, "", limit, measure);
}

/** The check run on the `.github` commit or pull request head: the same summary, counted in bytes. */
export function fleetCheckOutput(fleet: FleetPlan, ctx: FleetReportContext): { conclusion: "success" | "failure"; title: string; summary: string; annotations: [] } {
  const { title, conclusion } = fleetVerdict(fleet, ctx);
  return { conclusion, title, summary: fleetMarkdown(fleet, ctx, CHECK_RUN_MAX_BYTES, measureBytes), annotations: [] };
}

/** What a public page may say: how much changes where, and where the details are. */
function countSection(fleet: FleetPlan): Section {
  const items = fleet.environments.map((environment) => {
    const files = fleet.changes.filter((c) => c.unit?.environment === environment).length;
    const sources = fleet.sources.filter((s) => s.kind === "planned" && s.plan.environments.includes(environment)).length;
    return `- ${escapeMarkdown(environment)}: ${count(files, "file change")} across ${count(sources, "source")}\n`;
  });
  const broken = fleet.sources.filter((s) => s.kind !== "planned").length;
  if (broken > 0) items.push(`- ${count(broken, "source")} no longer valid under this config\n`);
  return {
    heading: "### Summary\n\n",
    items: [...items, "\nThis repository is public, so the sources, services and diagnostics are not shown here: they are in the GitOps repository's pull requests (or its commit), or run `paved plan` in a source.\n"],
    omitted: (n) => `- … ${count(n, "more")} not shown\n`,
    trailer: "\n",
  };
}

/** One table per environment: a row per source and service that changes. */
function environmentSections(fleet: FleetPlan): Section[] {
  return fleet.environments.map((environment) => {
    const rows = fleet.sources.flatMap((s) =>
      s.kind === "planned" ? s.plan.units.filter((u) => u.environment === environment && u.action !== "unchanged").map((u) => row(s.repository, u)) : [],
    );
    return {
      heading: `#### ${escapeMarkdown(environment)}\n\n| source | service | action | summary |\n|---|---|---|---|\n`,
      items: rows,
      omitted: (n) => `\n… ${count(n, "more service")} in ${escapeMarkdown(environment)} not shown\n`,
      trailer: "\n",
    };
  });
}

function row(repository: string, u: UnitChange): string {
  const summary = u.summary.map((line) => markdownMessage(line, { table: true })).join("<br>") || `${u.files} file${u.files === 1 ? "" : "s"}`;
  return `| ${tableCodeSpan(repository)} | ${tableCodeSpan(u.service)} | ${u.action} | ${summary} |\n`;
}

function brokenItem(source: FleetSource): string {
  const head = `- ${codeSpan(source.repository)} at ${commitText(source)}`;
  if (source.kind === "unreadable") return `${head}: ${markdownMessage(source.reason)}\n`;
  if (source.kind !== "invalid") return `${head}\n`;
  const lines = source.diagnostics
    .filter((d) => d.severity === "error")
    .slice(0, 10)
    .map((d) => `  - ${codeSpan(`${d.file}:${d.line}:${d.column}`)} ${codeSpan(d.code)}: ${markdownMessage(d.message)}\n`);
  const more = source.diagnostics.filter((d) => d.severity === "error").length - lines.length;
  return `${head}: no longer valid under the new config\n${lines.join("")}${more > 0 ? `  - … ${count(more, "more error")}\n` : ""}`;
}

function commitText(source: FleetSource): string {
  if (!source.commit) return "(unknown commit)";
  return `${codeSpan(source.commit.slice(0, 7))}${source.commitRecorded ? "" : " (its default branch: the index recorded no commit)"}`;
}

/** The GitOps commit message: one line per source and unit, so `git log` says who changed what. */
export function fleetCommitMessage(fleet: FleetPlan, configAt: string, name?: string): string {
  const lines = fleet.sources.flatMap((s) =>
    s.kind === "planned"
      ? s.plan.units
          .filter((u) => u.action !== "unchanged" && (name === undefined || u.environment === name))
          .map((u) => `${s.repository} ${u.environment}/${u.service}: ${u.action}${u.summary.length > 0 ? ` (${u.summary.join("; ")})` : ""}`)
      : [],
  );
  const shown = lines.slice(0, 200);
  const rest = lines.length - shown.length;
  return `paved: re-render${name ? ` ${name}` : ""} for ${configAt}\n\n${shown.join("\n")}${rest > 0 ? `\n… ${rest} more` : ""}\n`;
}
