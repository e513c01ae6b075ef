import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/core/diagnostic.js";
import { plan } from "../src/plan/plan.js";
import type { FileChange, Plan } from "../src/plan/types.js";
import { annotation, annotationBatches } from "../src/report/annotations.js";
import { checkRunOutput } from "../src/report/check-run-output.js";
import { cliText } from "../src/report/cli-text.js";
import { commitMessage } from "../src/report/commit-message.js";
import type { ReportContext } from "../src/report/report-context.js";
import { fitSections } from "../src/report/fit.js";
import { CHECK_RUN_MAX_BYTES, COMMENT_MAX_CHARS } from "../src/report/limits.js";
import { PLAN_MARKER, markdownComment } from "../src/report/markdown.js";
import { unitLinks } from "../src/report/links.js";
import { CONFIG, SOURCE, desired, filesOf, service, treeOf, unit, units } from "./plan-fixtures.js";

const ctx: ReportContext = {
  source: { ...SOURCE, pullRequest: 12 },
  manifestPath: "platform.yaml",
  fileUrl: (line) => `https://github.com/acme/payments/blob/${SOURCE.sha}/platform.yaml#L${line}`,
  commitUrl: `https://github.com/acme/payments/commit/${SOURCE.sha}`,
};

function planOf(next = desired(units(["api"])), files = new Map<string, string>()): Plan {
  return plan({ ...next, tree: treeOf(files), blobs: files, source: SOURCE, config: CONFIG, version: "0.1.0" });
}

function diagnostic(i: number, message: string, severity: Diagnostic["severity"] = "error"): Diagnostic {
  return { severity, code: "prod-min-replicas", message, file: "platform.yaml", line: i + 1, column: 5, path: "/services/api/replicas" };
}

const bytes = (s: string): number => Buffer.byteLength(s, "utf8");

describe("markdown comment", () => {
  it("starts with the marker and a verdict, lists risks before tables and diffs, ends with the plan id", () => {
    const p = planOf();
    const md = markdownComment(p, ctx);
    expect(md.startsWith(`${PLAN_MARKER}\n## ✅ Paved: valid: ${p.changes.length} file changes in dev, staging, production\n`)).toBe(true);
    const risks = md.indexOf("### ⚠️ Risks");
    const table = md.indexOf("#### staging\n\n| service | action | summary |");
    const files = md.indexOf("### Files");
    expect(risks).toBeGreaterThan(0);
    expect(table).toBeGreaterThan(risks);
    expect(files).toBeGreaterThan(table);
    expect(md).toContain("<details><summary><code>staging/payments-staging/api/application.yaml</code> (create)</summary>");
    expect(md).toContain("```diff\n--- /dev/null\n+++ b/staging/payments-staging/api/application.yaml\n");
    expect(md.trimEnd().endsWith(`<sub>Paved plan \`${p.id}\`</sub>`)).toBe(true);
  });

  it("says when there is nothing to do, and links errors to their lines", () => {
    const base = desired(units(["api"]));
    expect(markdownComment(planOf(base, filesOf(base)), ctx)).toContain("## ✅ Paved: no changes\n");
    const invalid = planOf({ ...base, diagnostics: [diagnostic(11, "replicas must be at least 2")] });
    const md = markdownComment(invalid, ctx);
    expect(md).toContain("## ❌ Paved: 1 error\n");
    expect(md).toContain(`- [\`platform.yaml:12:5\`](https://github.com/acme/payments/blob/${SOURCE.sha}/platform.yaml#L12) \`prod-min-replicas\`: replicas must be at least 2\n`);
  });

  it("says where it was applied, with links per service", () => {
    const p = planOf(desired([unit("api", "staging")]));
    const md = markdownComment(p, {
      ...ctx,
      applied: {
        commitUrl: "https://github.com/acme/gitops/commit/fedcba9876543210fedcba9876543210fedcba98",
        links: { "staging/api": unitLinks(CONFIG, { environment: "staging", service: "api" }) },
      },
    });
    expect(md).toContain("## ✅ Paved: applied in [`fedcba9`](https://github.com/acme/gitops/commit/fedcba9876543210fedcba9876543210fedcba98): ");
    expect(md).toContain("- staging · `api`: [logs](https://grafana.example/explore?service=api&env=staging)\n");
  });

  it("escapes what users wrote, in tables and lists", () => {
    const hostile = "a | b `code` <script>alert(1)</script> @acme/platform *bold* [x](y)\nnext";
    const before = desired([unit("api", "staging", service({ env: { NOTE: "old" } }))]);
    const after = desired([unit("api", "staging", service({ env: { NOTE: hostile } }))]);
    const p = planOf(after, filesOf(before));
    const withError = { ...p, diagnostics: [diagnostic(0, hostile, "warning")] };
    const md = markdownComment(withError, ctx);
    const row = md.split("\n").find((l) => l.startsWith("| `api` |"))!;
    expect(row).toBeDefined();
    expect(row.split(/(?<!\\)\|/)).toHaveLength(5);
    const prose = md.replace(/^```diff\n[\s\S]*?^```\n/gm, "");
    expect(prose).not.toContain("<script>");
    expect(prose).not.toContain("@acme/platform");
    expect(prose).toContain("\\<script\\>");
  });

  it("never lets a diff close its code fence", () => {
    const change: FileChange = {
      path: "x.md",
      action: "update",
      diff: "--- a/x.md\n+++ b/x.md\n@@ -1,3 +1,3 @@\n ```\n ````\n-a\n+b\n ``````\n",
      before: "",
      after: "",
    };
    const p: Plan = { id: "abc", valid: true, diagnostics: [], changes: [change], units: [], risks: [], environments: [] };
    const md = markdownComment(p, ctx);
    const open = /^(`{3,})diff$/m.exec(md)!;
    expect(open[1]!.length).toBeGreaterThan(6);
    const body = md.slice(open.index + open[0].length);
    const close = body.indexOf(`\n${open[1]}\n`);
    expect(body.slice(0, close)).toContain("+b\n ``````");
  });
});

describe("size limits", () => {
  const big = desired(units(Array.from({ length: 1000 }, (_, i) => `svc-${i}`)));
  const first = planOf(big);

  it("keep a 1,000-service plan within GitHub's limits, saying what was cut", () => {
    const md = markdownComment(first, ctx);
    expect(md.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(md).toMatch(/… [\d,]+ more files not shown; run `paved plan` locally for the full diff/);
    const out = checkRunOutput(first, ctx);
    expect(bytes(out.summary)).toBeLessThanOrEqual(CHECK_RUN_MAX_BYTES);
    expect(bytes(out.text)).toBeLessThanOrEqual(CHECK_RUN_MAX_BYTES);
    expect(out.text).toContain("more files not shown");
    expect(out.summary).toMatch(/more services? in (dev|staging|production) not shown/);
  });

  it("count bytes, not characters, for check runs", () => {
    const wide = "✅🚀".repeat(200);
    const p: Plan = { ...first, diagnostics: Array.from({ length: 400 }, (_, i) => diagnostic(i, wide, "warning")) };
    const out = checkRunOutput(p, ctx);
    expect(bytes(out.summary)).toBeLessThanOrEqual(CHECK_RUN_MAX_BYTES);
    expect(out.summary.length).toBeLessThan(CHECK_RUN_MAX_BYTES);
  });

  it("keep the verdict, the risks and the errors first when cutting", () => {
    const errors = Array.from({ length: 3000 }, (_, i) => diagnostic(i, `problem number ${i} `.padEnd(120, "x")));
    const p: Plan = { ...first, valid: false, diagnostics: errors };
    const md = markdownComment(p, ctx);
    const summary = checkRunOutput(p, ctx).summary;
    expect(md.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(bytes(summary)).toBeLessThanOrEqual(CHECK_RUN_MAX_BYTES);
    for (const text of [md, summary]) {
      expect(text).toMatch(/❌ (Paved: )?3,000 errors/);
      expect(text).toContain("production is a production environment; this changes");
      expect(text).toContain("problem number 0 ");
      expect(text).toMatch(/… [\d,]+ more errors not shown/);
      expect(text.indexOf("Risks")).toBeLessThan(text.indexOf("Errors"));
    }
  });
});

describe("check run", () => {
  it("fails invalid plans, with one annotation per diagnostic, columns on single lines only", () => {
    const p = planOf({ ...desired(units(["api"])), diagnostics: [diagnostic(2, "too few"), diagnostic(4, "pin it", "warning")] });
    const out = checkRunOutput(p, ctx);
    expect(out.conclusion).toBe("failure");
    expect(out.title).toBe("❌ 1 error, 1 warning");
    expect(out.annotations).toEqual([
      { path: "platform.yaml", start_line: 3, end_line: 3, start_column: 5, end_column: 5, annotation_level: "failure", title: "prod-min-replicas", message: "too few" },
      { path: "platform.yaml", start_line: 5, end_line: 5, start_column: 5, end_column: 5, annotation_level: "warning", title: "prod-min-replicas", message: "pin it" },
    ]);
    const multi = annotation({ path: "p", startLine: 1, endLine: 3, startColumn: 2, endColumn: 4 }, "notice", "t", "m");
    expect(multi).not.toHaveProperty("start_column");
    expect(multi).not.toHaveProperty("end_column");
    expect(annotationBatches(Array.from({ length: 120 }, () => multi), 50).map((b) => b.length)).toEqual([50, 50, 20]);
  });

  it("succeeds for valid plans, neutral with warnings", () => {
    expect(checkRunOutput(planOf(), ctx).conclusion).toBe("success");
    expect(checkRunOutput(planOf({ ...desired(units(["api"])), diagnostics: [diagnostic(1, "pin", "warning")] }), ctx).conclusion).toBe("neutral");
  });
});

describe("cli text and commit message", () => {
  const before = desired([unit("api", "staging", service({ env: { BELL: "quiet" } }))]);
  const after = desired([unit("api", "staging", service({ replicas: 3, env: { BELL: "\u001b[31mred\u0007" } }))]);
  const p = planOf(after, filesOf(before));

  it("prints everything, coloured only on request, with control characters made visible", () => {
    const plain = cliText(p, { color: false });
    expect(plain).not.toMatch(/\u001b/);
    expect(plain).toContain("✅ valid: 2 file changes in staging");
    expect(plain).toContain("  api  update    replicas 2 → 3; env BELL changed");
    expect(plain).toContain("+replicas: 3");
    expect(cliText(p, { color: true })).toMatch(/\u001b\[32m\+replicas: 3\u001b\[39m/);
  });

  it("names the source, commit and pull request, and carries the plan id", () => {
    expect(commitMessage(p, { ...SOURCE, pullRequest: 12 })).toBe(
      `paved: acme/payments@0123456 (#12)\n\nstaging/api: update (replicas 2 → 3; env BELL changed)\n1 shared or bookkeeping file (catalog, projects, index)\n\nPaved-Plan: ${p.id}\nPaved-Source: acme/payments@${SOURCE.sha}\n`,
    );
  });
});

describe("fitSections", () => {
  it("never exceeds its limit and always says what it left out", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 80, unit: "grapheme" }), { maxLength: 30 }), { maxLength: 5 }),
        fc.integer({ min: 300, max: 3000 }),
        fc.boolean(),
        (sections, limit, skipLarge) => {
          const text = fitSections(
            "HEAD\n",
            sections.map((items, i) => ({ heading: `## ${i}\n`, items: items.map((t) => `${t}\n`), omitted: (n: number) => `… ${n} more in ${i}\n`, trailer: "\n", skipLarge })),
            "FOOT\n",
            limit,
            bytes,
          );
          expect(bytes(text)).toBeLessThanOrEqual(limit);
          expect(text.startsWith("HEAD\n") && text.endsWith("FOOT\n")).toBe(true);
          sections.forEach((items, i) => {
            const shown = (text.match(new RegExp(`… (\\d+) more in ${i}\\n`)) ?? [])[1];
            if (shown === undefined) return;
            expect(Number(shown)).toBeGreaterThan(0);
            expect(Number(shown)).toBeLessThanOrEqual(items.length);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
