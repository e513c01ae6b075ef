import type { FileChange, Plan } from "../plan/types.js";
import { diagnosticLine } from "./diagnostic-line.js";
import { escapeTerminal } from "./escape.js";
import { errorsAndWarnings, verdict } from "./verdict.js";
import { painter, type Color, type Paint } from "./ansi.js";

/** The plan for a terminal: everything, nothing cut (this is where "the full diff" lives). */
export function cliText(plan: Plan, options: { color: boolean; diffs?: boolean }): string {
  const paint = painter(options.color);
  const v = verdict(plan);
  const out: string[] = [paint(v.ok ? "green" : "red", `${v.icon} ${v.text}`), ""];
  const { errors, warnings } = errorsAndWarnings(plan);
  if (plan.risks.length > 0) {
    out.push(paint("bold", "Risks:"));
    for (const r of plan.risks) out.push(`  ${paint("yellow", "⚠")} ${r.kind}: ${escapeTerminal(r.message)}`);
    out.push("");
  }
  for (const [title, list, color] of [["Errors:", errors, "red"], ["Warnings:", warnings, "yellow"]] as const) {
    if (list.length === 0) continue;
    out.push(paint("bold", title));
    for (const d of list) out.push(`  ${diagnosticLine(d, { code: "before", severity: paint(color, d.severity) })}`);
    out.push("");
  }
  for (const environment of plan.environments) {
    const units = plan.units.filter((u) => u.environment === environment && u.action !== "unchanged");
    if (units.length === 0) continue;
    out.push(paint("bold", `${environment}:`));
    const width = Math.max(...units.map((u) => u.service.length));
    for (const u of units) {
      const summary = u.summary.map(escapeTerminal).join("; ");
      out.push(`  ${u.service.padEnd(width)}  ${paint(actionColor(u.action), u.action.padEnd(9))} ${summary}`);
    }
    out.push("");
  }
  if (plan.changes.length > 0) {
    out.push(paint("bold", "Files:"));
    for (const c of plan.changes) out.push(`  ${paint(actionColor(c.action), fileMark(c))} ${escapeTerminal(c.path)}`);
    out.push("");
    if (options.diffs ?? true) for (const c of plan.changes) out.push(...diffLines(c, paint));
  }
  out.push(paint("dim", `plan ${plan.id}`));
  return `${out.join("\n")}\n`;
}

function fileMark(c: FileChange): string {
  return c.action === "create" ? "+" : c.action === "delete" ? "-" : "~";
}

function diffLines(c: FileChange, paint: Paint): string[] {
  if (c.diff === "") return c.diffOmitted ? [paint("dim", `${escapeTerminal(c.path)}: ${c.diffOmitted}`), ""] : [];
  const lines = c.diff.replace(/\n$/, "").split("\n");
  return [
    ...lines.map((line) => {
      const text = escapeTerminal(line);
      if (line.startsWith("+++") || line.startsWith("---")) return paint("bold", text);
      if (line.startsWith("@@")) return paint("cyan", text);
      if (line.startsWith("+")) return paint("green", text);
      if (line.startsWith("-")) return paint("red", text);
      return text;
    }),
    "",
  ];
}

function actionColor(action: string): Color {
  return action === "create" ? "green" : action === "delete" ? "red" : action === "update" ? "yellow" : "dim";
}
