/**
 * A pull request in the org's `.github` repository that changes the org config (or the templates beside
 * it) gets its own check, `Paved config`: the proposed config at the head commit, with the templates and
 * values schema it names read at that commit too, through the loaders the app uses on the default
 * branch — what `paved check-config` does locally. Application pull requests keep being judged by the
 * default branch's config; this tells the platform team, before the merge, that the change would break.
 *
 * Separate from the plan flow on purpose: a `.github` repository has no manifest, so the plan flow stays
 * quiet there, and this module only reads files and writes one check.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import { diagnosticAnnotation } from "../report/annotations.js";
import { ANNOTATIONS_PER_REQUEST } from "../report/limits.js";
import { httpStatus, NO_RETRY, type GitHub, type Repo } from "../github/client.js";
import { ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "../github/org-config.js";
import { readOrgSettings } from "../github/org-settings.js";

export const CONFIG_CHECK_NAME = "Paved config";

export interface ConfigPullRequest {
  repo: Repo;
  headSha: string;
  baseSha: string;
  deliveryId: string;
}

/** The shas of what sits in the config's folder (the config file, a templates folder), at a ref. */
async function configFolder(gh: GitHub, repo: Repo, ref: string): Promise<Map<string, string>> {
  const folder = ORG_CONFIG_PATH.slice(0, ORG_CONFIG_PATH.lastIndexOf("/"));
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", { ...repo, path: folder, ref });
    return new Map((Array.isArray(data) ? data : []).map((entry) => [entry.name, entry.sha]));
  } catch (error) {
    if (httpStatus(error) === 404) return new Map();
    throw error;
  }
}

function sameEntries(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, sha]) => b.get(name) === sha);
}

/** Annotations take repository paths; template diagnostics name `<org>/.github/<path>`. */
function inRepository(d: Diagnostic, repo: Repo): Diagnostic {
  const prefix = `${repo.owner}/${repo.repo}/`;
  return d.file.startsWith(prefix) ? { ...d, file: d.file.slice(prefix.length) } : d;
}

export async function checkConfigPullRequest(gh: GitHub, pr: ConfigPullRequest): Promise<void> {
  const { repo, headSha } = pr;
  if (repo.repo !== ORG_CONFIG_REPO) return;
  const [head, base] = await Promise.all([configFolder(gh, repo, headSha), configFolder(gh, repo, pr.baseSha)]);
  const configFile = ORG_CONFIG_PATH.slice(ORG_CONFIG_PATH.lastIndexOf("/") + 1);
  if (!head.has(configFile) || sameEntries(head, base)) return;

  // A redelivery of an event already answered changes nothing (`filter: all`: by default GitHub lists
  // only the latest run of each name, and a later event may have written one since).
  const { data: existing } = await gh.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ...repo, ref: headSha, check_name: CONFIG_CHECK_NAME, filter: "all", per_page: 100 });
  if (existing.check_runs.some((run) => run.external_id === pr.deliveryId)) return;

  const settings = await readOrgSettings(gh, repo.owner, headSha);
  const broken = settings.ok ? [...settings.templates.broken.values()] : [];
  const diagnostics = sortDiagnostics([...settings.diagnostics, ...broken]).map((d) => inRepository(d, repo));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const title = errors > 0 ? `${errors} error${errors === 1 ? "" : "s"} in the proposed org config` : `the proposed org config is valid${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}`;
  const summary = [
    `\`${ORG_CONFIG_PATH}\` at \`${headSha.slice(0, 7)}\`, with the templates and values schema it names. It judges application pull requests once merged.`,
    ...diagnostics.slice(0, 100).map((d) => `- \`${d.file}:${d.line}:${d.column}\` \`${d.code}\`: ${d.message}`),
    ...(diagnostics.length > 100 ? [`- … and ${diagnostics.length - 100} more (see the annotations)`] : []),
  ].join("\n");
  const annotations = diagnostics.map(diagnosticAnnotation);
  const { data: created } = await gh.request("POST /repos/{owner}/{repo}/check-runs", {
    ...repo,
    ...NO_RETRY,
    name: CONFIG_CHECK_NAME,
    head_sha: headSha,
    external_id: pr.deliveryId,
    status: "completed",
    conclusion: hasErrors(diagnostics) ? "failure" : "success",
    output: { title, summary, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) },
  });
  for (let start = ANNOTATIONS_PER_REQUEST; start < annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    await gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: created.id,
      output: { title, summary, annotations: annotations.slice(start, start + ANNOTATIONS_PER_REQUEST) },
    });
  }
}
