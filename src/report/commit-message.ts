import type { Source } from "../core/files.js";
import { unitTrailers } from "../feedback/trailers.js";
import type { Plan } from "../plan/types.js";
import { escapeTerminal } from "./escape.js";

/** Summary lines per environment are capped: the commit diff has the rest. */
const MAX_SUMMARY_ITEMS = 3;

/**
 * `paved: acme/payments@abc1234 (#12)`, then one line per changed unit, then trailers that let
 * a shell recognise its own commits (a redelivered webhook finds the plan already applied) and,
 * given the units' owner and the GitOps directory, map Argo CD's revision back to them (`Paved-Unit`).
 */
export function commitMessage(plan: Plan, source: Source, units?: { owner: string; directory: string }): string {
  const at = source.sha ? `@${source.sha.slice(0, 7)}` : "";
  const pr = source.pullRequest !== undefined ? ` (#${source.pullRequest})` : "";
  const lines = [`paved: ${source.repository}${at}${pr}`, ""];
  for (const environment of plan.environments) {
    for (const u of plan.units.filter((x) => x.environment === environment && x.action !== "unchanged")) {
      const summary = u.summary.slice(0, MAX_SUMMARY_ITEMS).join("; ") + (u.summary.length > MAX_SUMMARY_ITEMS ? "; …" : "");
      lines.push(`${environment}/${u.service}: ${u.action}${summary ? ` (${oneLine(summary)})` : ""}`);
    }
  }
  const other = plan.changes.filter((c) => !c.unit).length;
  if (other > 0) lines.push(`${other} shared or bookkeeping ${other === 1 ? "file" : "files"} (catalog, projects, index)`);
  lines.push("", `Paved-Plan: ${plan.id}`, `Paved-Source: ${source.repository}${source.sha ? `@${source.sha}` : ""}`);
  if (units) lines.push(...unitTrailers(plan, units.owner, units.directory));
  return `${lines.join("\n")}\n`;
}

/** Summaries hold values users wrote: one line, control characters shown, not acted on. */
function oneLine(text: string): string {
  return escapeTerminal(text.replace(/[\r\n]+/g, " "));
}
