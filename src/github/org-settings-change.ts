import { posix } from "node:path";
import type { ResolvedConfig } from "../config/types.js";
import type { GitHub, Repo } from "./client.js";
import { ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "./org-config.js";
import { orgPath } from "./org-files.js";
import type { PushFacts } from "./push-trigger.js";

const ZERO_SHA = /^0+$/;
/** GitHub lists at most 20 commits in a push payload; beyond that the file lists are incomplete. */
const PAYLOAD_COMMIT_LIMIT = 20;

/** Whether `repo` is the organisation's `.github` repository, where the platform team's settings live. */
export function isOrgSettingsRepo(repo: Repo): boolean {
  return repo.repo.toLowerCase() === ORG_CONFIG_REPO;
}

/** Whether any of `files` is part of the platform team's settings: paved.yml, a template, the chart's values schema. */
export function touchesOrgSettings(files: readonly string[], config: ResolvedConfig | null): boolean {
  const templates = config?.render.templates ? orgPath(config.render.templates) : null;
  const valuesSchema = config?.render.chart?.valuesSchema ? orgPath(config.render.chart.valuesSchema) : null;
  return files.some(
    (file) =>
      file === ORG_CONFIG_PATH ||
      (templates !== null && (file === templates || file.startsWith(`${posix.normalize(templates).replace(/\/$/, "")}/`))) ||
      (valuesSchema !== null && file === valuesSchema),
  );
}

/** The files a push changed: from the payload when its lists are complete, else from one compare call. */
export async function pushedFiles(gh: GitHub, repo: Repo, push: PushFacts): Promise<string[] | "all"> {
  if (ZERO_SHA.test(push.before)) return "all";
  if (push.commits.length > 0 && push.commits.length < PAYLOAD_COMMIT_LIMIT) {
    return [...new Set(push.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]))];
  }
  return changedBetween(gh, repo, push.before, push.after);
}

/** Files that differ between two commits (a pull request's base and head), as GitHub's compare lists them. */
export async function changedBetween(gh: GitHub, repo: Repo, base: string, head: string): Promise<string[] | "all"> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/compare/{basehead}", { ...repo, basehead: `${base}...${head}` });
  const files = data.files ?? [];
  // Compare lists at most 300 files: past that, assume the settings changed rather than miss it.
  if (files.length >= 300) return "all";
  return files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
}
