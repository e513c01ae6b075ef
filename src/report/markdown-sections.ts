import type { Diagnostic } from "../core/diagnostic.js";
import type { FileChange, Plan, Risk, UnitChange } from "../plan/types.js";
import type { ApprovalState, ReportContext } from "./report-context.js";
import { codeBlock, codeSpan, escapeHtml, escapeMarkdown, markdownMessage, safeUrl, tableCodeSpan } from "./escape.js";
import type { Section } from "./fit.js";
import { linkKey } from "./links.js";
import { count } from "./verdict.js";

/** Markdown building blocks shared by the PR comment and the check run. */

const LOCAL_HINT = "run `paved plan` locally for the full plan";

export function riskSection(risks: Risk[]): Section {
  return {
    heading: "### ⚠️ Risks\n\n",
    items: risks.map((r) => `- ⚠️ **${r.kind}**: ${markdownMessage(r.message)}\n`),
    omitted: (n) => `- … ${count(n, "more risk")} not shown; ${LOCAL_HINT}\n`,
    trailer: "\n",
  };
}

export function approvalSection(approvals: ApprovalState[]): Section {
  return {
    heading: "### 🔐 Approvals\n\n",
    items: approvals.map((a) =>
      a.approvedBy !== undefined
        ? `- ✅ ${codeSpan(a.environment)}: approved by @${escapeMarkdown(a.approvedBy)}\n`
        : `- ⏳ ${codeSpan(a.environment)}: needs an approving review of the latest commit from a member of ${a.teams.map((t) => codeSpan(t)).join(", ") || "(no team configured)"}${a.note ? ` (${escapeMarkdown(a.note)})` : ""}\n`,
    ),
    omitted: (n) => `- … ${count(n, "more environment")} not shown\n`,
    trailer: "\n",
  };
}

export function proposedSection(proposed: Array<{ environment: string; url: string }>): Section {
  return {
    heading: "### 🔀 Waiting for review in the GitOps repository\n\n",
    items: proposed.map((p) => `- ${codeSpan(p.environment)}: ${safeUrl(p.url)}\n`),
    omitted: (n) => `- … ${count(n, "more environment")} not shown\n`,
    trailer: "\n",
  };
}

/** Which environments this change deploys now and which wait for promotion; shown only when some wait. */
export function promotionSection(promotion: NonNullable<ReportContext["promotion"]>): Section {
  const waiting = promotion.some((p) => !p.changes);
  return {
    heading: "### 🚦 Promotion\n\n",
    items: waiting ? promotion.map((p) => `- ${p.changes ? "🚀" : "⏸️"} ${codeSpan(p.environment)}: ${p.note}\n`) : [],
    omitted: (n) => `- … ${count(n, "more environment")} not shown\n`,
    trailer: "\n",
  };
}

/** What runs where after this change, how it got there, what ran before; only once applied. */
export function deployedSection(deployed: ReportContext["deployed"]): Section {
  const sha = (commit: string) => {
    const text = codeSpan(commit.slice(0, 7));
    return deployed?.commitUrl ? `[${text}](${safeUrl(deployed.commitUrl(commit))})` : text;
  };
  const rows = (deployed?.environments ?? []).map(
    (e) => `| ${tableCodeSpan(e.environment)} | ${sha(e.commit)} | ${escapeMarkdown(e.action)}${e.held ? " · held" : ""} | ${e.previous.slice(0, 3).map(sha).join(", ") || "—"} |\n`,
  );
  const history = deployed?.historyUrl ? `\n[Every deployment of this repository, with dates and who asked](${safeUrl(deployed.historyUrl)}) (or \`paved history <env>\` on a clone).\n` : "";
  return {
    heading: "### 🗂️ Deployed\n\n| environment | runs | how | before |\n|---|---|---|---|\n",
    items: rows,
    omitted: (n) => `| … | ${count(n, "more environment")} not shown | | |\n`,
    trailer: `${history}\n`,
  };
}

export function diagnosticSection(title: string, diagnostics: Diagnostic[], ctx: ReportContext): Section {
  const icon = title === "Errors" ? "❌" : "⚠️";
  return {
    heading: `### ${icon} ${title}\n\n`,
    items: diagnostics.map((d) => `- ${location(d, ctx)} ${codeSpan(d.code)}: ${markdownMessage(d.message)}\n`),
    omitted: (n) => `- … ${count(n, `more ${title.toLowerCase().replace(/s$/, "")}`)} not shown; ${LOCAL_HINT}\n`,
    trailer: "\n",
  };
}

function location(d: Diagnostic, ctx: ReportContext): string {
  const text = codeSpan(`${d.file}:${d.line}:${d.column}`);
  return ctx.fileUrl && d.file === ctx.manifestPath ? `[${text}](${safeUrl(ctx.fileUrl(d.line))})` : text;
}

/** One table per environment with changes, in plan (config) order. */
export function unitTableSections(plan: Plan): Section[] {
  return plan.environments.map((environment) => {
    const rows = plan.units.filter((u) => u.environment === environment && u.action !== "unchanged");
    return {
      heading: `#### ${escapeMarkdown(environment)}\n\n| service | action | summary |\n|---|---|---|\n`,
      items: rows.map(unitRow),
      omitted: (n) => `\n… ${count(n, "more service")} in ${escapeMarkdown(environment)} not shown; ${LOCAL_HINT}\n`,
      trailer: "\n",
    };
  });
}

function unitRow(u: UnitChange): string {
  const summary = u.summary.map((line) => markdownMessage(line, { table: true })).join("<br>");
  return `| ${tableCodeSpan(u.service)} | ${u.action} | ${summary} |\n`;
}

export function linkSection(plan: Plan, links: Record<string, Record<string, string>>): Section {
  const items = plan.units
    .filter((u) => u.action !== "delete")
    .flatMap((u) => {
      const found = links[linkKey(u)];
      if (!found || Object.keys(found).length === 0) return [];
      const anchors = Object.entries(found).map(([label, url]) => `[${escapeMarkdown(label)}](${safeUrl(url)})`);
      return [`- ${escapeMarkdown(u.environment)} · ${codeSpan(u.service)}: ${anchors.join(" · ")}\n`];
    });
  return {
    heading: "### 🔗 Links\n\n",
    items,
    omitted: (n) => `- … ${count(n, "more service")} not shown\n`,
    trailer: "\n",
  };
}

/** Collapsible diffs, smallest-first cut: a huge diff is skipped, later small ones still show. */
export function diffSection(changes: FileChange[]): Section {
  return {
    heading: `### Files (${changes.length.toLocaleString("en-US")})\n\n`,
    items: changes.map(diffItem),
    omitted: (n) => `\n… ${count(n, "more file")} not shown; run \`paved plan\` locally for the full diff\n`,
    skipLarge: true,
  };
}

function diffItem(change: FileChange): string {
  const title = `<code>${escapeHtml(change.path)}</code> (${change.action})`;
  if (change.diff === "") {
    const why = change.diffOmitted ?? (change.action === "delete" ? "deleted" : "empty file");
    return `- ${title}: ${escapeMarkdown(why)}\n`;
  }
  return `<details><summary>${title}</summary>\n\n${codeBlock(change.diff, "diff")}\n</details>\n`;
}
