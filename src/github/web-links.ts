import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import type { Deployed } from "../plan/promotion.js";
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

/**
 * The web root of the host `repo` lives on, from its `html_url` (`https://ghe.example.com/acme/api` →
 * `https://ghe.example.com`): links to another repository there (the GitOps repository) stay on
 * GitHub Enterprise. github.com when the URL is not known.
 */
export function webRoot(repo: Repo, htmlUrl?: string): string {
  if (!htmlUrl) return "https://github.com";
  const suffix = `/${fullName(repo)}`;
  const url = htmlUrl.replace(/\/+$/, "");
  return url.toLowerCase().endsWith(suffix.toLowerCase()) ? url.slice(0, -suffix.length) : new URL(url).origin;
}

/**
 * The comment's "Deployed" section after a merge or a command: what each environment runs (config
 * order), linked on the source repository's web host, and the GitOps history of the source's index.
 */
export function deployedContext(repo: Repo, config: ResolvedConfig, deployed: Deployed, indexPath: string, htmlUrl?: string): NonNullable<ReportContext["deployed"]> {
  const host = webRoot(repo, htmlUrl);
  const webUrl = `${host}/${fullName(repo)}`;
  return {
    environments: config.environments.flatMap((e) => (deployed[e.name] ? [{ environment: e.name, ...deployed[e.name]! }] : [])),
    commitUrl: (sha) => `${webUrl}/commit/${sha}`,
    ...(config.gitops.repository ? { historyUrl: `${host}/${config.gitops.repository}/commits/${config.gitops.branch}/${indexPath}` } : {}),
  };
}
