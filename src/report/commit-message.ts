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
export function commitMessage(plan: Plan, source: Source, units?: { owner: string; directory: string }, deployment?: DeploymentTrailers): string {
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
  if (deployment?.heading) lines.splice(1, 0, "", deployment.heading);
  lines.push("", `Paved-Plan: ${plan.id}`, `Paved-Source: ${source.repository}${source.sha ? `@${source.sha}` : ""}`);
  if (units) lines.push(...unitTrailers(plan, units.owner, units.directory));
  if (deployment) {
    lines.push(`Paved-Action: ${deployment.action}`);
    if (deployment.by) lines.push(`Paved-By: ${deployment.by}`);
    for (const e of deployment.environments) lines.push(`Paved-Environment: ${e.environment}`, `Paved-Source-Commit: ${e.environment}@${e.commit}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * What `paved history` reads back from git alone: which command or merge put which source commit
 * into which environment, and who asked. One `Paved-Environment` and `Paved-Source-Commit` per environment.
 */
export interface DeploymentTrailers {
  action: "merge" | "promote" | "rollback" | "hold" | "release";
  environments: Array<{ environment: string; commit: string }>;
  /** The GitHub login (or local user) who asked; absent for merges and automatic promotions. */
  by?: string;
  /** A line under the title: "promote production to abc1234 (after staging was healthy)". */
  heading?: string;
}

/** Summaries hold values users wrote: one line, control characters shown, not acted on. */
function oneLine(text: string): string {
  return escapeTerminal(text.replace(/[\r\n]+/g, " "));
}
