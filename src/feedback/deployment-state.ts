import { phaseRank, type Observation, type UnitPhase } from "./observation.js";

/**
 * One GitHub Deployment covers the units of one environment that one GitOps commit changed. Its
 * state follows from the state of each unit's Argo CD Application:
 *   every unit healthy → success · any unit failed (sync failed, degraded) → failure ·
 *   any unit syncing or healthy → in_progress · else queued.
 * The per-unit facts live in the deployment's own status history (see status-text.ts), so any
 * replica, after any restart, reaches the same answer from GitHub alone.
 */
export type DeploymentState = "queued" | "in_progress" | "success" | "failure" | "error" | "inactive";

export interface DeployedApplication {
  application: string;
  service: string;
  /** What the developer recognises the deployment by: the image tag (or short digest). */
  version?: string;
}

export interface UnitFact {
  application: string;
  phase: UnitPhase;
  detail: string;
}

export interface DeploymentFacts {
  environment: string;
  applications: DeployedApplication[];
  /** The latest state on GitHub. */
  state: DeploymentState;
  /** Per application, the furthest phase recorded so far. */
  units: Map<string, UnitFact>;
}

export interface Transition {
  state: DeploymentState;
  /** The unit fact this status records (written into the description). */
  fact: UnitFact;
}

/** States Paved never leaves: done (or superseded, which GitHub itself may set). */
export function isFinal(state: DeploymentState): boolean {
  return state === "success" || state === "inactive";
}

/**
 * Whether an event for `application` can no longer move this deployment: it is done, or this unit
 * is already healthy in it. Walking a unit's commits newest first, the first settled one ends the
 * walk: everything older was settled by the event that settled it.
 */
export function isSettled(deployment: DeploymentFacts, application: string): boolean {
  return isFinal(deployment.state) || deployment.units.get(application)?.phase === "healthy";
}

/**
 * The status to post when `observation` arrives for a deployment whose commit is at or before the
 * observed revision, or null when it changes nothing: an unknown application, a unit already at or
 * past that phase (a duplicate or a late event), or a deployment already done.
 */
export function advance(deployment: DeploymentFacts, observation: Observation): Transition | null {
  if (isFinal(deployment.state)) return null;
  const app = deployment.applications.find((a) => a.application === observation.application);
  if (!app) return null;
  const current = deployment.units.get(app.application)?.phase ?? "waiting";
  if (phaseRank(observation.phase) <= phaseRank(current)) return null;
  const fact: UnitFact = { application: app.application, phase: observation.phase, detail: observation.detail };
  const units = new Map(deployment.units).set(app.application, fact);
  return { state: aggregate(deployment.applications, units), fact };
}

export function aggregate(applications: DeployedApplication[], units: ReadonlyMap<string, UnitFact>): DeploymentState {
  const phases = applications.map((a) => units.get(a.application)?.phase ?? "waiting");
  if (phases.length > 0 && phases.every((p) => p === "healthy")) return "success";
  if (phases.some((p) => p === "failed")) return "failure";
  if (phases.some((p) => p === "syncing" || p === "healthy")) return "in_progress";
  return "queued";
}

/** How long a deployment may wait for Argo CD before it is marked `error`; only non-final ones that Argo CD syncs on its own. */
export function isOverdue(deployment: { state: DeploymentState; createdAt: string }, now: number, timeoutMs: number): boolean {
  if (isFinal(deployment.state) || deployment.state === "error" || deployment.state === "failure") return false;
  return now - Date.parse(deployment.createdAt) > timeoutMs;
}
