import type { Source } from "../core/files.js";
import type { ReportContext } from "../report/report-context.js";
import { fullName, type Repo } from "./client.js";

/** Where a report about the manifest at `sha` links to: the file's lines and the commit, on the repository's web host. */
export function reportContext(repo: Repo, source: Source & { sha: string }, manifestPath: string, htmlUrl?: string): ReportContext {
  const webUrl = htmlUrl ?? `https://github.com/${fullName(repo)}`;
  return {
    source,
    manifestPath,
    fileUrl: (line) => `${webUrl}/blob/${source.sha}/${manifestPath}#L${line}`,
    commitUrl: `${webUrl}/commit/${source.sha}`,
  };
}
