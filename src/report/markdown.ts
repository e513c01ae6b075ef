import type { Plan } from "../plan/types.js";
import { pendingApprovals, shortSha, type ReportContext } from "./report-context.js";
import { codeSpan, safeUrl } from "./escape.js";
import { fitSections, type Section } from "./fit.js";
import { COMMENT_MAX_CHARS, measureChars } from "./limits.js";
import { approvalSection, deployedSection, diagnosticSection, promotionSection, proposedSection, diffSection, linkSection, riskSection, unitTableSections } from "./markdown-sections.js";
import { errorsAndWarnings, verdict } from "./verdict.js";

/** Finds Paved's one sticky comment on a pull request. */
export const PLAN_MARKER = "<!-- paved:plan -->";
/** The preview's sticky comment (flows/previews.ts writes it, flows/argocd-feedback.ts updates its live line). */
export const PREVIEW_MARKER = "<!-- paved:preview -->";

/** The pull-request comment: verdict, risks, errors, per-environment tables, warnings, diffs. */
export function markdownComment(plan: Plan, ctx: ReportContext, limit = COMMENT_MAX_CHARS): string {
  const applied = ctx.applied ? `[${codeSpan(shortSha(ctx.applied.commitUrl))}](${safeUrl(ctx.applied.commitUrl)})` : undefined;
  const v = verdict(plan, applied, pendingApprovals(ctx).map((a) => a.environment));
  const head = `${PLAN_MARKER}\n## ${v.icon} Paved: ${v.text}\n\n${sourceLine(ctx)}\n\n`;
  return fitSections(head, [...summarySections(plan, ctx), diffSection(plan.changes)], footer(plan), limit, measureChars);
}

/** What every report shows before the diffs, most important first: it is what truncation keeps. */
export function summarySections(plan: Plan, ctx: ReportContext): Section[] {
  const { errors, warnings } = errorsAndWarnings(plan);
  return [
    riskSection(plan.risks),
    approvalSection(ctx.approvals ?? []),
    proposedSection(ctx.proposed ?? []),
    promotionSection(ctx.promotion ?? []),
    ...(ctx.applied && ctx.deployed ? [deployedSection(ctx.deployed)] : []),
    diagnosticSection("Errors", errors, ctx),
    ...(ctx.applied ? [linkSection(plan, ctx.applied.links)] : []),
    ...unitTableSections(plan),
    diagnosticSection("Warnings", warnings, ctx),
  ];
}

export function sourceLine(ctx: ReportContext): string {
  const sha = ctx.source.sha ? shortSha(ctx.source.sha) : undefined;
  const commit = sha === undefined ? "" : ctx.commitUrl ? ` at [${codeSpan(sha)}](${safeUrl(ctx.commitUrl)})` : ` at ${codeSpan(sha)}`;
  return `${codeSpan(ctx.manifestPath)} in ${codeSpan(ctx.source.repository)}${commit}`;
}

export function footer(plan: Plan): string {
  return `\n---\n<sub>Paved plan ${codeSpan(plan.id)}</sub>\n`;
}
