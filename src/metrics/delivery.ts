import type { DeploymentFact, StatusFact } from "./deployment-facts.js";
import { compareStrings as compare } from "../plan/compare.js";
import { summarise, type Summary } from "./stats.js";
import { windowDays, type MetricsWindow } from "./window.js";

/**
 * The four keys of delivery performance (DORA) over production deployments in a window, from the
 * facts alone (no clock: the window carries "now"). Each deployment is one unit changed by one
 * GitOps commit in a production environment; deletions are not deployments.
 *
 * - deployed at: the first `success` status (Argo CD reported it synced and healthy); for facts
 *   without any status (a local clone) the GitOps commit, and the result says how many were
 *   measured that way.
 * - lead time: deployed at − the change's first commit, and deployed at − its merge.
 * - a failed change: a `failure` or `error` status (sync failed, health degraded, no feedback in
 *   time), or a rollback: the unit's next deployment brings back the version it ran before.
 * - time to restore: from the failure (its first failure status; for a rollback, when it was
 *   deployed) to the unit running a deployed change again: this deployment's own later success,
 *   else the unit's next deployed change. A failure not restored by the window's end is counted
 *   as open and left out of the durations.
 */
export interface DeliveryMetrics {
  deployments: { count: number; perWeek: number; /** per day, oldest first, for the chart */ daily: number[] };
  leadTime: {
    firstCommit: Summary;
    merge: Summary;
    /** Lead times in deployment order (ms from the first commit), for the chart. */
    samples: number[];
    /** How many were measured to a healthy report, and how many only to the GitOps commit. */
    toHealthy: number;
    toCommit: number;
  };
  changeFailure: { total: number; failed: number; rolledBack: number; rate: number | null };
  restore: { durations: Summary; open: number };
}

export interface ScopedMetrics {
  org: DeliveryMetrics;
  teams: Array<{ team: string; metrics: DeliveryMetrics }>;
  services: Array<{ repository: string; team: string; service: string; metrics: DeliveryMetrics }>;
}

const DAY = 86_400_000;

export function deliveryMetrics(all: readonly DeploymentFact[], window: MetricsWindow): ScopedMetrics {
  // Commit times have one-second resolution: within a second, the history's own order (newest first) decides.
  const position = new Map(all.map((d, i) => [d, i]));
  const production = all.filter((d) => d.production && d.action !== "delete").sort((a, b) => a.committedAt - b.committedAt || position.get(b)! - position.get(a)!);
  const outcomes = outcomesOf(production, window);
  const teams = [...new Set(production.map((d) => d.team))].sort(compare);
  const services = [...new Map(production.map((d) => [serviceKey(d), d])).values()].sort((a, b) => compare(a.team, b.team) || compare(serviceKey(a), serviceKey(b)));
  return {
    org: aggregate(outcomes, window),
    teams: teams.map((team) => ({ team, metrics: aggregate(outcomes.filter((o) => o.deployment.team === team), window) })),
    services: services.map((s) => ({
      repository: s.repository,
      team: s.team,
      service: s.service,
      metrics: aggregate(outcomes.filter((o) => serviceKey(o.deployment) === serviceKey(s)), window),
    })),
  };
}

export function serviceKey(d: { repository: string; service: string }): string {
  return `${d.repository.toLowerCase()}/${d.service}`;
}

interface Outcome {
  deployment: DeploymentFact;
  deployedAt: number | null;
  /** Measured to the GitOps commit: no status at all. */
  committedOnly: boolean;
  failedAt: number | null;
  rolledBack: boolean;
  restoredAt: number | null;
}

/** Per deployment in the window, what happened to it (looking at the unit's later deployments). */
function outcomesOf(production: DeploymentFact[], window: MetricsWindow): Outcome[] {
  const byUnit = new Map<string, DeploymentFact[]>();
  for (const d of production) {
    const key = `${serviceKey(d)} ${d.environment}`;
    byUnit.set(key, [...(byUnit.get(key) ?? []), d]);
  }
  const outcomes: Outcome[] = [];
  for (const history of byUnit.values()) {
    history.forEach((d, i) => {
      if (d.committedAt < window.from || d.committedAt > window.to) return;
      const deployedAt = deployedTime(d);
      const before = history[i - 1];
      const next = history[i + 1];
      // Rolled back: the next deployment is a `paved rollback`, or goes back to the version before (A → B → A,
      // a revert merged) — unless this one was itself a rollback, which the next promotion undoes.
      const revertedTo = !!(before && next && d.version && before.version && next.version === before.version && d.version !== before.version);
      const rolledBack = next?.command === "rollback" || (d.command !== "rollback" && revertedTo);
      const failure = firstAt(d.statuses, (s) => s.state === "failure" || s.state === "error");
      const failedAt = failure ?? (rolledBack ? (deployedAt ?? d.committedAt) : null);
      let restoredAt: number | null = null;
      if (failedAt !== null) {
        const own = failure !== null && !rolledBack ? firstAt(d.statuses, (s) => s.state === "success" && s.at >= failure) : null;
        const later = history.slice(i + 1).map(deployedTime).find((t): t is number => t !== null && t >= failedAt);
        restoredAt = own ?? later ?? null;
        if (restoredAt !== null && restoredAt > window.to) restoredAt = null;
      }
      outcomes.push({ deployment: d, deployedAt, committedOnly: d.statuses.length === 0, failedAt, rolledBack, restoredAt });
    });
  }
  return outcomes.sort((a, b) => a.deployment.committedAt - b.deployment.committedAt);
}

function aggregate(outcomes: Outcome[], window: MetricsWindow): DeliveryMetrics {
  const days = Math.max(1, Math.ceil(windowDays(window)));
  const daily = new Array<number>(days).fill(0);
  for (const o of outcomes) {
    const slot = Math.min(days - 1, Math.floor((o.deployment.committedAt - window.from) / DAY));
    daily[Math.max(0, slot)]! += 1;
  }
  const deployed = outcomes.filter((o) => o.deployedAt !== null);
  const leadFirst = deployed.filter((o) => o.deployment.firstCommitAt !== undefined).map((o) => o.deployedAt! - o.deployment.firstCommitAt!);
  const leadMerge = deployed.filter((o) => o.deployment.mergedAt !== undefined).map((o) => o.deployedAt! - o.deployment.mergedAt!);
  const failed = outcomes.filter((o) => o.failedAt !== null);
  const restored = failed.filter((o) => o.restoredAt !== null).map((o) => o.restoredAt! - o.failedAt!);
  return {
    deployments: { count: outcomes.length, perWeek: round((outcomes.length * 7) / windowDays(window)), daily },
    leadTime: {
      firstCommit: summarise(leadFirst),
      merge: summarise(leadMerge),
      samples: leadFirst,
      toHealthy: deployed.filter((o) => !o.committedOnly).length,
      toCommit: deployed.filter((o) => o.committedOnly).length,
    },
    changeFailure: {
      total: outcomes.length,
      failed: failed.length,
      rolledBack: failed.filter((o) => o.rolledBack).length,
      rate: outcomes.length === 0 ? null : failed.length / outcomes.length,
    },
    restore: { durations: summarise(restored), open: failed.length - restored.length },
  };
}

/** The first success, or the GitOps commit when nothing ever reported on it. */
function deployedTime(d: DeploymentFact): number | null {
  if (d.statuses.length === 0) return d.committedAt;
  return firstAt(d.statuses, (s) => s.state === "success");
}

function firstAt(statuses: readonly StatusFact[], test: (s: StatusFact) => boolean): number | null {
  const found = [...statuses].sort((a, b) => a.at - b.at).find(test);
  return found ? found.at : null;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
