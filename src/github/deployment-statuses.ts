import type { DeployedApplication, DeploymentFacts } from "../feedback/deployment-state.js";
import { deploymentState, unitFactsFrom } from "../feedback/status-text.js";
import type { DeploymentPayload } from "./deployments.js";
import { httpStatus, NO_RETRY, type GitHub, type Repo } from "./client.js";

/**
 * GitHub Deployments as Paved's feedback reads and writes them. Only deployments (and statuses)
 * this app created count: `performed_via_github_app` names the app, and no one else can make it so.
 */
export interface PavedDeployment {
  id: number;
  repo: Repo;
  sha: string;
  environment: string;
  createdAt: string;
  payload: DeploymentPayload;
  facts: DeploymentFacts;
  /** The latest status's description (Argo CD's words for a failure). */
  description: string;
  /** From the latest status: kept on every later status. */
  environmentUrl: string;
  logUrl: string;
}

interface DeploymentJson {
  id: number;
  sha: string;
  environment: string;
  created_at: string;
  payload: unknown;
  performed_via_github_app?: { id: number } | null;
}

interface StatusJson {
  state: string;
  description: string | null;
  environment_url?: string;
  log_url?: string;
  performed_via_github_app?: { id: number } | null;
}

/** At most this many deployments of one commit are looked at: one per environment, redeliveries aside. */
const PER_COMMIT = 30;
/** Status history read per deployment: every unit's transitions fit many times over. */
const STATUSES = 100;

/** The deployments Paved recorded for `sha` (in `environment` when given), newest first. */
export async function pavedDeployments(gh: GitHub, repo: Repo, sha: string, appId: number, environment?: string): Promise<DeploymentJson[]> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/deployments", {
      ...repo,
      sha,
      ...(environment ? { environment } : {}),
      per_page: PER_COMMIT,
    });
    return (data as unknown as DeploymentJson[]).filter((d) => d.performed_via_github_app?.id === appId && payloadOf(d) !== null);
  } catch (error) {
    if (httpStatus(error) === 404) return []; // the app cannot see that repository
    throw error;
  }
}

/** The deployment that recorded `gitopsCommit` for `environment` of source commit `sha`, with its facts. */
export async function findDeployment(gh: GitHub, repo: Repo, sha: string, environment: string, gitopsCommit: string, appId: number): Promise<PavedDeployment | null> {
  const found = (await pavedDeployments(gh, repo, sha, appId, environment)).find((d) => payloadOf(d)?.gitopsCommit === gitopsCommit);
  return found ? withFacts(gh, repo, found, appId) : null;
}

export async function withFacts(gh: GitHub, repo: Repo, d: DeploymentJson, appId: number, history = STATUSES): Promise<PavedDeployment> {
  const payload = payloadOf(d)!;
  const { data } = await gh.request("GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", { ...repo, deployment_id: d.id, per_page: history });
  const statuses = data as unknown as StatusJson[]; // newest first
  const ours = statuses.filter((s) => s.performed_via_github_app?.id === appId);
  const latest = statuses[0];
  return {
    id: d.id,
    repo,
    sha: d.sha,
    environment: d.environment,
    createdAt: d.created_at,
    payload,
    facts: {
      environment: d.environment,
      applications: payload.applications,
      state: deploymentState(latest?.state),
      units: unitFactsFrom([...ours].reverse(), payload.applications),
    },
    description: latest?.description ?? "",
    environmentUrl: ours.find((s) => s.environment_url)?.environment_url ?? "",
    logUrl: ours.find((s) => s.log_url)?.log_url ?? "",
  };
}

/** The deployment's facts as GitHub has them now (after this or another replica wrote). */
export function reread(gh: GitHub, d: PavedDeployment, appId: number, history = STATUSES): Promise<PavedDeployment> {
  return withFacts(gh, d.repo, { id: d.id, sha: d.sha, environment: d.environment, created_at: d.createdAt, payload: d.payload, performed_via_github_app: { id: appId } }, appId, history);
}

export interface NewStatus {
  state: string;
  description: string;
  logUrl: string;
}

/**
 * `auto_inactive: false`: one deployment per environment covers several Applications, and GitHub's
 * default would mark another unit's still-pending deployment inactive the moment this one succeeds.
 */
export async function postStatus(gh: GitHub, d: PavedDeployment, status: NewStatus): Promise<void> {
  await gh.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    ...d.repo,
    deployment_id: d.id,
    state: status.state as "queued",
    description: status.description,
    ...(status.logUrl ? { log_url: status.logUrl } : {}),
    ...(d.environmentUrl ? { environment_url: d.environmentUrl } : {}),
    auto_inactive: false,
    ...NO_RETRY,
  });
}

/** A payload Paved wrote, checked field by field (anything else is someone else's deployment). */
function payloadOf(d: DeploymentJson): DeploymentPayload | null {
  const p = d.payload as Partial<DeploymentPayload> | null;
  if (!p || typeof p !== "object" || typeof p.gitopsCommit !== "string" || typeof p.gitopsRepository !== "string") return null;
  if (!Array.isArray(p.applications)) return null;
  const applications = p.applications.filter(
    (a): a is DeployedApplication => typeof a === "object" && a !== null && typeof a.application === "string" && typeof a.service === "string",
  );
  return { ...(p as DeploymentPayload), autoSync: p.autoSync === true, applications };
}
