import type { ResolvedConfig } from "../config/types.js";
import type { Unit } from "../core/unit.js";
import { argoApplicationUrl } from "../feedback/argocd-links.js";
import type { DeployedApplication } from "../feedback/deployment-state.js";
import type { EnvironmentStatus } from "../report/environment-line.js";
import { describeWaiting } from "../feedback/status-text.js";
import type { Plan } from "../plan/types.js";
import { imageVersion } from "../core/image-ref.js";
import { applicationName } from "../core/names.js";
import { NO_RETRY, type GitHub, type Repo } from "./client.js";

export interface DeploymentRecord {
  environment: string;
  environmentUrl?: string;
  logUrl: string;
  /** Argo CD syncs this environment by itself; else someone has to press Sync. */
  autoSync: boolean;
  /** The Argo CD Applications this deployment waits for: the units the commit creates or updates. */
  applications: DeployedApplication[];
}

/** What Paved stores in a deployment's payload: how an Argo CD event finds it again (argocd-feedback.ts). */
export interface DeploymentPayload {
  gitopsRepository: string;
  gitopsCommit: string;
  pullRequest?: number;
  autoSync: boolean;
  applications: DeployedApplication[];
}

/**
 * One record per environment where the commit creates or updates a unit: where it can be reached,
 * and where to watch it sync. An environment that only lost units has nothing for Argo CD to report.
 */
export function deploymentRecords(plan: Plan, units: Unit[], config: ResolvedConfig, gitopsCommitUrl: string): DeploymentRecord[] {
  const records: DeploymentRecord[] = [];
  for (const environment of plan.environments) {
    const changed = plan.units
      .filter((u) => u.environment === environment && (u.action === "create" || u.action === "update"))
      .map((c) => units.find((u) => u.environment === environment && u.service === c.service))
      .filter((u): u is Unit => u !== undefined);
    if (changed.length === 0) continue;
    const exposed = changed.find((u) => u.spec.ingress?.host);
    const applications = changed.map((u) => ({ application: applicationName(u.owner, u.service, environment), service: u.service, version: imageVersion(u.spec.image) }));
    records.push({
      environment,
      ...(exposed?.spec.ingress ? { environmentUrl: `https://${exposed.spec.ingress.host}${exposed.spec.ingress.path}` } : {}),
      logUrl: argoApplicationUrl(config, applications[0]!.application) ?? gitopsCommitUrl,
      autoSync: config.environments.find((e) => e.name === environment)?.autoSync ?? false,
      applications,
    });
  }
  return records;
}

/**
 * Records the GitOps commit as a deployment of the source commit, `queued` until Argo CD reports
 * on it (argocd-feedback.ts): committing is not deploying, and a manual-sync environment may wait
 * for someone to press Sync. `auto_merge: false` and no required contexts: the record must not try
 * to merge branches or wait for checks — the commit already happened. Created without retries: a
 * retried create would record the deployment twice.
 */
export async function recordDeployments(
  gh: GitHub,
  repo: Repo,
  sourceSha: string,
  gitops: { repository: string; commit: string; pullRequest?: number },
  records: DeploymentRecord[],
  productionEnvironments: Set<string>,
): Promise<void> {
  for (const record of records) {
    const payload: DeploymentPayload = {
      gitopsRepository: gitops.repository,
      gitopsCommit: gitops.commit,
      ...(gitops.pullRequest !== undefined ? { pullRequest: gitops.pullRequest } : {}),
      autoSync: record.autoSync,
      applications: record.applications,
    };
    const { data } = await gh.request("POST /repos/{owner}/{repo}/deployments", {
      ...repo,
      ref: sourceSha,
      environment: record.environment,
      auto_merge: false,
      required_contexts: [],
      production_environment: productionEnvironments.has(record.environment),
      description: `Paved: GitOps commit ${gitops.commit.slice(0, 7)}`,
      payload: payload as unknown as Record<string, unknown>,
      ...NO_RETRY,
    });
    if (!("id" in data)) continue; // 202: GitHub declined to create it (e.g. a merge was attempted).
    await gh.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      ...repo,
      deployment_id: Number(data.id),
      state: "queued",
      description: describeWaiting(record.autoSync, gitops.commit),
      log_url: record.logUrl,
      ...(record.environmentUrl ? { environment_url: record.environmentUrl } : {}),
      ...NO_RETRY,
    });
  }
}

/** The comment's line right after the merge: every environment waiting for Argo CD. */
export function queuedStatuses(records: DeploymentRecord[]): EnvironmentStatus[] {
  return records.map((r) => ({ environment: r.environment, state: "queued", description: "", logUrl: r.logUrl, autoSync: r.autoSync }));
}
