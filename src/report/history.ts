import { escapeTerminal } from "./escape.js";

/**
 * `paved history`: what was deployed where and when, read back from the trailers Paved writes on
 * GitOps commits (commit-message.ts). Pure: commits in, entries out; git alone is the record.
 */

export interface GitOpsCommit {
  sha: string;
  /** The committer date, ISO 8601. */
  date: string;
  message: string;
}

export interface HistoryEntry {
  /** The GitOps commit that made the change. */
  gitopsCommit: string;
  date: string;
  action: string;
  /** Who asked; absent for merges and automatic promotions. */
  by?: string;
  /** The source repository (`Paved-Source`, without its commit). */
  source: string;
  environment: string;
  /** The source commit the environment runs after this commit. */
  sourceCommit: string;
}

const TRAILER = /^(Paved-[A-Za-z-]+): (.*)$/;

/** Entries for `environment`, in the order the commits are given (git log: newest first). */
export function deploymentHistory(commits: readonly GitOpsCommit[], environment: string): HistoryEntry[] {
  return commits.flatMap((commit) => entriesOf(commit).filter((e) => e.environment === environment));
}

/** One entry per `Paved-Source-Commit: <env>@<sha>` of a commit that has a `Paved-Action`; other commits (by hand, before promotion) none. */
export function entriesOf(commit: GitOpsCommit): HistoryEntry[] {
  let action: string | undefined;
  let by: string | undefined;
  let source = "";
  const deployed: Array<{ environment: string; sourceCommit: string }> = [];
  // Only the last paragraph holds trailers: a summary line that looks like one is not read as one.
  const paragraphs = commit.message.trimEnd().split(/\n\s*\n/);
  for (const line of (paragraphs.at(-1) ?? "").split("\n")) {
    const match = TRAILER.exec(line.trim());
    if (!match) continue;
    const [, key, value] = match as unknown as [string, string, string];
    if (key === "Paved-Action") action = value;
    else if (key === "Paved-By") by = value;
    else if (key === "Paved-Source") source = value.replace(/@[0-9a-f]{7,64}$/, "");
    else if (key === "Paved-Source-Commit") {
      const at = value.lastIndexOf("@");
      if (at > 0) deployed.push({ environment: value.slice(0, at), sourceCommit: value.slice(at + 1) });
    }
  }
  if (action === undefined) return [];
  return deployed.map((d) => ({ gitopsCommit: commit.sha, date: commit.date, action, ...(by ? { by } : {}), source, ...d }));
}

/** One line per entry: date, action, source@commit, who, GitOps commit. Values from commits are shown, never acted on. */
export function historyText(entries: readonly HistoryEntry[], environment: string): string {
  if (entries.length === 0) return `No deployments to ${escapeTerminal(environment)} are recorded in the GitOps history.\n`;
  const lines = entries.map((e) => {
    const who = e.by ? ` by ${e.by}` : e.action === "merge" ? " (merge)" : "";
    return escapeTerminal(`${e.date}  ${e.action.padEnd(8)} ${e.source}@${e.sourceCommit.slice(0, 7)}${who}  gitops ${e.gitopsCommit.slice(0, 7)}`);
  });
  return `${lines.join("\n")}\n`;
}
