import { phaseRank, UNIT_PHASES, type UnitPhase } from "./observation.js";
import type { DeployedApplication, DeploymentState, UnitFact } from "./deployment-state.js";

/**
 * A deployment status description is what GitHub shows the developer, and also the record of one
 * unit's phase: `<service>: <phase>[ …]`. Service names are DNS labels (no colon, no space), so the
 * prefix reads back unambiguously; the rest is Argo CD's words, cut to GitHub's 140 characters.
 */
export const MAX_DESCRIPTION = 140;

const WORDS: Record<UnitPhase, string> = {
  waiting: "waiting",
  syncing: "syncing",
  failed: "failed",
  healthy: "healthy",
};

export function describeUnit(app: DeployedApplication, fact: UnitFact, progress?: { healthy: number; total: number }): string {
  const version = fact.phase === "healthy" && app.version ? ` at ${app.version}` : "";
  const detail = fact.detail ? `: ${fact.detail}` : "";
  const of = progress && progress.total > 1 ? ` (${progress.healthy} of ${progress.total} healthy)` : "";
  return fit(`${app.service}: ${WORDS[fact.phase]}${version}${of}${detail}`);
}

/** The description of a deployment still waiting for Argo CD (at merge). */
export function describeWaiting(autoSync: boolean, gitopsCommit: string): string {
  return autoSync
    ? `Waiting for Argo CD to sync GitOps commit ${gitopsCommit.slice(0, 7)}`
    : "Waiting for a sync in Argo CD (this environment syncs manually)";
}

export function describeTimeout(minutes: number): string {
  return fit(`No feedback from Argo CD within ${minutes} minutes: check the Application and its notifications`);
}

/** The furthest phase each application reached, read back from the deployment's own statuses. */
export function unitFactsFrom(statuses: ReadonlyArray<{ description: string | null }>, applications: DeployedApplication[]): Map<string, UnitFact> {
  const byService = new Map(applications.map((a) => [a.service, a.application]));
  const facts = new Map<string, UnitFact>();
  for (const status of statuses) {
    const m = /^([a-z][-a-z0-9]*): ([a-z]+)\b(?:[^:]*: (.*))?/.exec(status.description ?? "");
    if (!m) continue;
    const application = byService.get(m[1]!);
    const phase = m[2] as UnitPhase;
    if (!application || !UNIT_PHASES.includes(phase)) continue;
    const known = facts.get(application);
    if (!known || phaseRank(phase) > phaseRank(known.phase)) facts.set(application, { application, phase, detail: m[3] ?? "" });
  }
  return facts;
}

/** GitHub's states, checked: anything else reads as queued. */
export function deploymentState(value: string | undefined): DeploymentState {
  const states: DeploymentState[] = ["queued", "in_progress", "success", "failure", "error", "inactive"];
  if (value === "pending") return "queued";
  return states.find((s) => s === value) ?? "queued";
}

function fit(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}
