import { driftByUnit, type DriftEntry } from "../plan/drift.js";
import { codeSpan, escapeMarkdown, escapeTerminalLine, safeUrl } from "./escape.js";
import { COMMENT_MAX_CHARS } from "./limits.js";

/** The drift issue in the GitOps repository: one section per unit, its files, the commit and its author. */
export const DRIFT_MARKER = "<!-- paved:drift -->";
export const DRIFT_TITLE = "Paved: files it renders were changed by hand";
const STATE = /<!-- paved:drift-state ([A-Za-z0-9+/=]*) -->/;

export function driftIssueBody(entries: DriftEntry[], repositoryUrl: string): string {
  const head =
    `${DRIFT_MARKER}\n## ⚠️ ${entries.length === 1 ? "1 file" : `${entries.length.toLocaleString("en-US")} files`} that Paved renders changed outside Paved\n\n` +
    "Argo CD deploys what this repository holds, so these edits override what the sources' `platform.yaml` say — until the next apply of that source rewrites them. " +
    "Make the change in the source's `platform.yaml` (or the org config) instead, or comment `/paved drift revert` here (write access needed) to re-commit the rendered files. " +
    "Paved updates this issue on every push and closes it when the drift is gone.\n\n";
  const sections = driftByUnit(entries).map((group) => {
    const lines = group.entries.map((e) => `- ${codeSpan(e.path)}: [${codeSpan(e.commit.slice(0, 7))}](${safeUrl(`${repositoryUrl}/commit/${e.commit}`)}) by ${codeSpan(e.author)}\n`);
    return `### ${codeSpan(group.title)} (${escapeMarkdown(group.source)})\n\n${lines.join("")}\n`;
  });
  const state = `<!-- paved:drift-state ${Buffer.from(JSON.stringify(entries)).toString("base64")} -->\n`;
  let body = head;
  let shown = 0;
  for (const section of sections) {
    if (body.length + section.length + state.length + 200 > COMMENT_MAX_CHARS) break;
    body += section;
    shown++;
  }
  if (shown < sections.length) body += `… ${sections.length - shown} more units not shown; run \`paved drift --gitops DIR\` on a clone for the full list.\n\n`;
  return body + state;
}

/** The entries an issue body recorded; [] when it has none or they do not parse (a hand-edited body). */
export function driftIssueState(body: string | null | undefined): DriftEntry[] {
  const match = STATE.exec(body ?? "");
  if (!match) return [];
  try {
    const value: unknown = JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8"));
    if (!Array.isArray(value)) return [];
    return value.filter(
      (e): e is DriftEntry =>
        typeof e === "object" && e !== null && typeof e.path === "string" && typeof e.source === "string" && typeof e.commit === "string" && typeof e.author === "string",
    );
  } catch {
    return [];
  }
}

/** The CLI's text: one line per file, grouped per unit. */
export function driftText(entries: DriftEntry[]): string {
  if (entries.length === 0) return "no drift: every file Paved owns was last written by Paved\n";
  const lines = [`${entries.length} file${entries.length === 1 ? "" : "s"} Paved owns changed outside Paved:`];
  for (const group of driftByUnit(entries)) {
    lines.push(`  ${escapeTerminalLine(group.title)} (${escapeTerminalLine(group.source)})`);
    for (const e of group.entries) lines.push(`    ${escapeTerminalLine(e.path)}: ${e.commit.slice(0, 7)} by ${escapeTerminalLine(e.author)}`);
  }
  return `${lines.join("\n")}\n`;
}
