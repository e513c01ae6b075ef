import type { Plan } from "../plan/types.js";
import { applicationName } from "../core/names.js";
import { unitDir } from "../render/layout.js";

/**
 * The GitOps commit's trailers are the map from a GitOps revision back to the source commit: the
 * rendered files carry no sha (they change only when the desired state does), so Argo CD's revision
 * is turned into "which source commit, which units" by reading the commit Paved wrote.
 *
 *   Paved-Source: acme/payments@26f4f14838c2f78a5523151f5d7ce006f20bd5d2
 *   Paved-Unit: staging/api payments.api.staging staging/payments-staging/api
 *
 * One `Paved-Unit` per unit the commit creates or updates: environment/service, the Argo CD
 * Application name as it was derived when the commit was made, and the unit's directory.
 */
export interface UnitTrailer {
  environment: string;
  service: string;
  application: string;
  dir: string;
}

export interface GitopsCommitFacts {
  source: { repository: string; sha: string };
  pullRequest?: number;
  units: UnitTrailer[];
}

const UNIT = "Paved-Unit";
const PREVIEW = "Paved-Preview";

/** Trailer lines for the units `plan` creates or updates (deleted units have no Application to report on). */
export function unitTrailers(plan: Plan, owner: string, directory: string): string[] {
  const lines: string[] = [];
  for (const u of plan.units) {
    if (u.action !== "create" && u.action !== "update") continue;
    const dir = unitDir(directory, u);
    if (!("path" in dir)) continue;
    lines.push(unitTrailer({ environment: u.environment, service: u.service, application: applicationName(owner, u.service, u.environment), dir: dir.path }));
  }
  return lines;
}

/**
 * The trailers of a preview commit: the pull request's head (`Paved-Preview`, not `Paved-Source`:
 * a preview is no deployment of the source, and the portal's metrics count only `Paved-Source`
 * commits) and every Application of the preview (`pr-<n>/<service>`), each of them, changed or not,
 * being what the preview runs from that commit on.
 */
export function previewTrailers(source: { repository: string; sha: string }, units: UnitTrailer[]): string[] {
  return [`${PREVIEW}: ${source.repository}@${source.sha}`, ...units.map(unitTrailer)];
}

function unitTrailer(u: UnitTrailer): string {
  return `${UNIT}: ${u.environment}/${u.service} ${u.application} ${u.dir}`;
}

/** The facts of a commit Paved wrote (a preview's too), or null for any other commit (hand edits, merges of other tools). */
export function parseGitopsCommit(message: string): GitopsCommitFacts | null {
  const lines = message.split("\n");
  const source = lines.map((l) => /^Paved-(?:Source|Preview): ([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)@([0-9a-f]{40})$/.exec(l.trim())).find((m) => m !== null);
  if (!source) return null;
  const units: UnitTrailer[] = [];
  for (const line of lines) {
    const m = /^Paved-Unit: ([^\s/]+)\/(\S+) (\S+) (\S+)$/.exec(line.trim());
    if (m) units.push({ environment: m[1]!, service: m[2]!, application: m[3]!, dir: m[4]! });
  }
  const pr = /\(#(\d+)\)\s*$/.exec(lines[0] ?? "");
  return {
    source: { repository: source[1]!, sha: source[2]! },
    ...(pr ? { pullRequest: Number(pr[1]) } : {}),
    units,
  };
}
