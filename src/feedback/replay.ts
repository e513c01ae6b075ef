import type { ResolvedConfig } from "../config/types.js";
import type { ArgoEvent } from "./argocd-event.js";
import { advance, isSettled, type DeploymentFacts } from "./deployment-state.js";
import { observe } from "./observation.js";
import { describeUnit, describeWaiting } from "./status-text.js";
import { parseGitopsCommit, type GitopsCommitFacts } from "./trailers.js";
import { unitDirFromLabels } from "./unit-dir.js";

/**
 * The deployments a GitOps history implies, and what a log of Argo CD events did to them: the same
 * rules as the app (one deployment per Paved commit and environment; every Paved commit of a unit
 * up to the observed revision moves, oldest first; nothing moves backwards), with the history read
 * locally instead of through GitHub. For `paved status`.
 */
export interface ReplayedDeployment {
  gitopsCommit: string;
  source: GitopsCommitFacts["source"];
  pullRequest?: number;
  environment: string;
  autoSync: boolean;
  facts: DeploymentFacts;
  description: string;
}

export interface Replay {
  /** Newest GitOps commit first, environments in promotion order. */
  deployments: ReplayedDeployment[];
  /** Events that changed nothing, and why. */
  notes: string[];
}

/** The unit's commits (shas) from `revision` back, newest first, that touched `dir`; null when the revision is unknown. */
export type Touching = (revision: string, dir: string) => Promise<string[] | null>;

export async function replayEvents(
  history: ReadonlyArray<{ sha: string; message: string }>,
  events: ArgoEvent[],
  config: Pick<ResolvedConfig, "environments" | "gitops">,
  touching: Touching,
): Promise<Replay> {
  const deployments = new Map<string, ReplayedDeployment>();
  const key = (commit: string, environment: string) => `${commit} ${environment}`;
  for (const commit of history) {
    const facts = parseGitopsCommit(commit.message);
    if (!facts) continue;
    for (const env of config.environments) {
      const units = facts.units.filter((u) => u.environment === env.name);
      if (units.length === 0) continue;
      deployments.set(key(commit.sha, env.name), {
        gitopsCommit: commit.sha,
        source: facts.source,
        ...(facts.pullRequest !== undefined ? { pullRequest: facts.pullRequest } : {}),
        environment: env.name,
        autoSync: env.autoSync,
        facts: { environment: env.name, applications: units.map((u) => ({ application: u.application, service: u.service })), state: "queued", units: new Map() },
        description: describeWaiting(env.autoSync, commit.sha),
      });
    }
  }
  const messages = new Map(history.map((c) => [c.sha, c.message]));
  const notes: string[] = [];
  for (const event of events) {
    const name = event.application.name;
    const observed = observe(event);
    if (!observed.ok) {
      notes.push(`${name}: ${observed.reason}`);
      continue;
    }
    const { observation } = observed;
    const dir = unitDirFromLabels(event.application.labels, config)?.dir ?? null;
    const commits = dir === null ? null : await touching(observation.revision, dir);
    if (dir === null || commits === null) {
      notes.push(`${name}: ${dir === null ? "not an Application Paved renders" : `revision ${observation.revision.slice(0, 12)} is not in the GitOps history`}`);
      continue;
    }
    const chain: ReplayedDeployment[] = [];
    for (const sha of commits) {
      const unit = parseGitopsCommit(messages.get(sha) ?? "")?.units.find((u) => u.application === name && u.dir === dir);
      const deployment = unit ? deployments.get(key(sha, unit.environment)) : undefined;
      if (!deployment) continue;
      if (isSettled(deployment.facts, name)) break;
      chain.push(deployment);
    }
    let moved = 0;
    for (const deployment of chain.reverse()) {
      const transition = advance(deployment.facts, observation);
      if (!transition) continue;
      const units = new Map(deployment.facts.units).set(name, transition.fact);
      const app = deployment.facts.applications.find((a) => a.application === name)!;
      const healthy = [...units.values()].filter((u) => u.phase === "healthy").length;
      deployment.facts = { ...deployment.facts, state: transition.state, units };
      deployment.description = describeUnit(app, transition.fact, { healthy, total: deployment.facts.applications.length });
      moved += 1;
    }
    if (moved === 0) notes.push(`${name} ${observation.phase} at ${observation.revision.slice(0, 7)}: nothing changed`);
  }
  return { deployments: [...deployments.values()], notes };
}
