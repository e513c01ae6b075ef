import type { ResolvedConfig } from "../config/types.js";
import type { Unit } from "../core/unit.js";
import type { Plan } from "../plan/types.js";
import { applicationName } from "../core/names.js";
import { NO_RETRY, type GitHub, type Repo } from "./client.js";

export interface DeploymentRecord {
  environment: string;
  environmentUrl?: string;
  logUrl: string;
}

/** One record per changed environment: where it can be reached, and where to watch it sync. */
export function deploymentRecords(plan: Plan, units: Unit[], config: ResolvedConfig, gitopsCommitUrl: string): DeploymentRecord[] {
  return plan.environments.map((environment) => {
    const changed = plan.units.filter((u) => u.environment === environment && u.action !== "unchanged" && u.action !== "delete");
    const exposed = changed
      .map((c) => units.find((u) => u.environment === environment && u.service === c.service))
      .find((u) => u?.spec.ingress?.host);
    const first = changed[0];
    const owner = units[0]?.owner;
    const argo =
      config.argocd.url && first && owner
        ? `${config.argocd.url.replace(/\/+$/, "")}/applications/${config.argocd.namespace}/${applicationName(owner, first.service, environment)}`
        : undefined;
    return {
      environment,
      ...(exposed?.spec.ingress ? { environmentUrl: `https://${exposed.spec.ingress.host}${exposed.spec.ingress.path}` } : {}),
      logUrl: argo ?? gitopsCommitUrl,
    };
  });
}

/**
 * Records the GitOps commit as a deployment of the source commit. `auto_merge: false` and no required
 * contexts: the record must not try to merge branches or wait for checks — the commit already happened.
 * Created without retries: a retried create would record the deployment twice.
 */
export async function recordDeployments(
  gh: GitHub,
  repo: Repo,
  sourceSha: string,
  gitopsCommit: string,
  records: DeploymentRecord[],
  productionEnvironments: Set<string>,
): Promise<void> {
  for (const record of records) {
    const { data } = await gh.request("POST /repos/{owner}/{repo}/deployments", {
      ...repo,
      ref: sourceSha,
      environment: record.environment,
      auto_merge: false,
      required_contexts: [],
      production_environment: productionEnvironments.has(record.environment),
      description: `Paved: GitOps commit ${gitopsCommit.slice(0, 7)}`,
      payload: { gitopsCommit },
      ...NO_RETRY,
    });
    if (!("id" in data)) continue; // 202: GitHub declined to create it (e.g. a merge was attempted).
    await gh.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      ...repo,
      deployment_id: Number(data.id),
      state: "success",
      description: "Committed to the GitOps repository; Argo CD syncs it",
      log_url: record.logUrl,
      ...(record.environmentUrl ? { environment_url: record.environmentUrl } : {}),
      ...NO_RETRY,
    });
  }
}
