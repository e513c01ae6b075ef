import type { Plan } from "../plan/types.js";
import { diagnosticAnnotation, type Annotation } from "./annotations.js";
import { pendingApprovals, shortSha, type ReportContext } from "./report-context.js";
import { safeUrl, showInvisible } from "./escape.js";
import { fitSections } from "./fit.js";
import { CHECK_RUN_MAX_BYTES, CHECK_RUN_TITLE_MAX_CHARS, measureBytes } from "./limits.js";
import { diffSection } from "./markdown-sections.js";
import { footer, sourceLine, summarySections } from "./markdown.js";
import { verdict } from "./verdict.js";

export interface CheckRunOutput {
  /** failure: the manifest cannot be applied; neutral: valid with warnings; success otherwise. */
  conclusion: "success" | "failure" | "neutral";
  title: string;
  /** Verdict, risks, errors, per-environment tables, warnings. */
  summary: string;
  /** The diffs. */
  text: string;
  /** One per diagnostic; send them 50 at a time (`annotationBatches`). */
  annotations: Annotation[];
}

export function checkRunOutput(plan: Plan, ctx: ReportContext, limit = CHECK_RUN_MAX_BYTES): CheckRunOutput {
  const applied = ctx.applied ? `[${shortSha(ctx.applied.commitUrl)}](${safeUrl(ctx.applied.commitUrl)})` : undefined;
  const waiting = pendingApprovals(ctx).map((a) => a.environment);
  const v = verdict(plan, applied, waiting);
  const head = `${v.icon} ${v.text}\n\n${sourceLine(ctx)}\n\n`;
  // The title is plain text: no link.
  const title = `${v.icon} ${showInvisible(verdict(plan, ctx.applied ? shortSha(ctx.applied.commitUrl) : undefined, waiting).text)}`;
  return {
    conclusion: !plan.valid || !v.ok ? "failure" : v.warnings > 0 ? "neutral" : "success",
    title: title.length > CHECK_RUN_TITLE_MAX_CHARS ? `${title.slice(0, CHECK_RUN_TITLE_MAX_CHARS - 1)}…` : title,
    summary: fitSections(head, summarySections(plan, ctx), footer(plan), limit, measureBytes),
    text: plan.changes.length > 0 ? fitSections("", [diffSection(plan.changes)], "", limit, measureBytes) : "",
    annotations: plan.diagnostics.filter((d) => d.file === ctx.manifestPath).map(diagnosticAnnotation),
  };
}
