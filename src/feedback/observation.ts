import type { ArgoEvent } from "./argocd-event.js";

/**
 * Where one Application stands, as far as one deployment of it is concerned. Ordered: a unit only
 * ever moves up this list, so a redelivered or late event can never take a deployment backwards.
 * `failed` sits below `healthy`: a failed sync that is retried, or a degraded rollout that recovers,
 * still ends healthy; a healthy unit stays healthy for that deployment (a later breakage is news
 * about the running system, not about whether this commit was deployed).
 */
export const UNIT_PHASES = ["waiting", "syncing", "failed", "healthy"] as const;
export type UnitPhase = (typeof UNIT_PHASES)[number];

export function phaseRank(phase: UnitPhase): number {
  return UNIT_PHASES.indexOf(phase);
}

/** What an Argo CD event says about its Application at one GitOps revision. */
export interface Observation {
  application: string;
  /** The GitOps commit the state is about. */
  revision: string;
  phase: Exclude<UnitPhase, "waiting">;
  /** Argo CD's own words: the operation message, the resources that are not healthy. */
  detail: string;
}

export type Observed = { ok: true; observation: Observation } | { ok: false; reason: string };

/**
 * Reads the state rather than trusting the trigger's name: one template serves every trigger, and
 * a trigger fired for one condition may arrive after the Application moved on.
 */
export function observe(event: ArgoEvent): Observed {
  const op = event.operation;
  const application = event.application.name;
  const degraded = event.health.status === "Degraded";
  if (op && (op.phase === "Failed" || op.phase === "Error")) {
    const revision = op.revision || event.sync.revision;
    if (!revision) return { ok: false, reason: "the sync failed before Argo CD resolved a revision; nothing to map it to" };
    return { ok: true, observation: { application, revision, phase: "failed", detail: joinDetail([op.message, ...event.failedResources]) } };
  }
  if (degraded) {
    // Health is about what runs: the revision last synced (or the compared one when in sync).
    const revision = event.sync.status === "Synced" ? event.sync.revision : op?.revision || event.sync.revision;
    if (!revision) return { ok: false, reason: "degraded without a revision" };
    return {
      ok: true,
      observation: { application, revision, phase: "failed", detail: joinDetail([`health Degraded${event.health.message ? `: ${event.health.message}` : ""}`, ...event.unhealthy]) },
    };
  }
  if (!op) return { ok: false, reason: "no sync operation yet" };
  const revision = op.revision || event.sync.revision;
  if (!revision) return { ok: false, reason: "the operation names no revision" };
  if (op.phase === "Running" || op.phase === "Terminating") {
    return { ok: true, observation: { application, revision, phase: "syncing", detail: op.message } };
  }
  if (op.phase === "Succeeded") {
    if (event.health.status === "Healthy") return { ok: true, observation: { application, revision, phase: "healthy", detail: op.message } };
    return {
      ok: true,
      observation: { application, revision, phase: "syncing", detail: joinDetail([`synced; health ${event.health.status || "unknown"}`, ...event.unhealthy]) },
    };
  }
  return { ok: false, reason: `operation phase ${JSON.stringify(op.phase)} says nothing about a deployment` };
}

function joinDetail(parts: string[]): string {
  return parts.filter((p) => p !== "").join("; ");
}
