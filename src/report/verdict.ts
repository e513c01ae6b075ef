import type { Plan } from "../plan/types.js";

export interface Verdict {
  ok: boolean;
  icon: "✅" | "❌" | "⏳";
  /** Without the icon: "valid: 7 file changes in staging, production", "2 errors", "no changes". */
  text: string;
  errors: number;
  warnings: number;
}

/** The one line every report starts with; `appliedIn` is the commit reference when applied. */
export function verdict(plan: Plan, appliedIn?: string, pendingApprovals: string[] = []): Verdict {
  const errors = plan.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = plan.diagnostics.length - errors;
  const warningNote = warnings > 0 ? ` (${count(warnings, "warning")})` : "";
  if (!plan.valid) {
    return { ok: false, icon: "❌", text: `${count(errors, "error")}${warnings > 0 ? `, ${count(warnings, "warning")}` : ""}`, errors, warnings };
  }
  const where = plan.environments.length > 0 ? ` in ${plan.environments.join(", ")}` : "";
  const what = `${count(plan.changes.length, "file change")}${where}`;
  if (pendingApprovals.length > 0) {
    // On a pull request: it waits. On a push: those environments were not written (the plan shows the rest).
    const waiting = `waiting for approval in ${pendingApprovals.join(", ")}`;
    const text =
      appliedIn !== undefined
        ? `applied in ${appliedIn}: ${what}; not written, ${waiting}`
        : plan.changes.length === 0
          ? `nothing written, ${waiting}`
          : `valid, ${waiting}: ${what}`;
    return { ok: false, icon: "⏳", text: `${text}${warningNote}`, errors, warnings };
  }
  if (plan.changes.length === 0) return { ok: true, icon: "✅", text: `no changes${warningNote}`, errors, warnings };
  const text = appliedIn !== undefined ? `applied in ${appliedIn}: ${what}` : `valid: ${what}`;
  return { ok: true, icon: "✅", text: `${text}${warningNote}`, errors, warnings };
}

export function count(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

/** Risks, errors and warnings in the order reports list them. */
export function errorsAndWarnings(plan: Plan): { errors: Plan["diagnostics"]; warnings: Plan["diagnostics"] } {
  return {
    errors: plan.diagnostics.filter((d) => d.severity === "error"),
    warnings: plan.diagnostics.filter((d) => d.severity === "warning"),
  };
}
