import type { Log } from "../core/log.js";
import type { ResolvedConfig } from "../config/types.js";
import type { ArgoEvent } from "../feedback/argocd-event.js";
import { argoApplicationUrl } from "../feedback/argocd-links.js";
import { advance, aggregate, isFinal, isOverdue, isSettled, type DeploymentState, type UnitFact } from "../feedback/deployment-state.js";
import { deploymentsBlock, withDeploymentsBlock, type EnvironmentStatus } from "../report/environment-line.js";
import { observe } from "../feedback/observation.js";
import { describeTimeout, describeUnit } from "../feedback/status-text.js";
import { parseGitopsCommit } from "../feedback/trailers.js";
import { deploymentTarget, unitDirFromLabels } from "../feedback/unit-dir.js";
import { githubRepository } from "../gitops/local.js";
import { sameRepository } from "../core/provenance.js";
import { PLAN_MARKER } from "../report/markdown.js";
import { PREVIEW_ENVIRONMENT, previewDeploymentEnvironment } from "../core/preview-names.js";
import { PREVIEW_MARKER } from "../report/markdown.js";
import { fullName, httpStatus, parseRepo, type GitHub, type Repo } from "../github/client.js";
import { findDeployment, pavedDeployments, postStatus, reread, withFacts, type NewStatus, type PavedDeployment } from "../github/deployment-statuses.js";
import type { KeyedLock } from "../github/keyed-lock.js";
import { readOrgSettings } from "../github/org-settings.js";
import { editStickyComment } from "../github/sticky-comment.js";

/** How the feedback flow reaches GitHub: as the app (to find an installation), then as that installation. */
export interface FeedbackClients {
  app: () => Promise<GitHub>;
  installation: (id: number) => Promise<GitHub>;
}

export interface FeedbackOptions {
  log: Pick<Log, "info" | "warn">;
  /** Milliseconds since the epoch; the sweep compares deployment ages with it. */
  now: number;
  /** A deployment Argo CD says nothing about for this long is marked `error`. */
  timeoutMs: number;
  /** The process's lock: one environment's events one at a time (replicas rely on `settle`). */
  serialise?: KeyedLock;
  /** Asked once the GitOps repository is known: whether to sweep its overdue deployments too. */
  shouldSweep?: (gitopsRepository: string) => boolean;
}

export type FeedbackResult =
  | { status: "ignored"; reason: string }
  | { status: "recorded"; updates: Array<{ repository: string; environment: string; deployment: number; state: string }> };

/** Paved commits of one unit looked at per event: Argo CD skipping more revisions than this leaves the oldest to time out. */
const MAX_PENDING = 10;

/**
 * An Argo CD event, turned into deployment statuses. The event is a hint: it names a repository, an
 * Application and a revision, and each is looked up through GitHub — the app installed on that
 * repository, the org config naming it as the GitOps repository, the revision's Paved commits for
 * the Application's directory, their trailers naming the source commit, and the deployment this
 * app recorded for exactly that GitOps commit. Nothing is written anywhere the lookups did not lead.
 *
 * Every Paved commit of the unit up to the revision shares what Argo CD says about it (Argo CD may
 * skip revisions), applied oldest first so the newest deployment is the one GitHub shows last.
 */
export async function recordArgoEvent(clients: FeedbackClients, event: ArgoEvent, options: FeedbackOptions): Promise<FeedbackResult> {
  // 1. The GitHub repositories the Application syncs from, as Argo CD says. A multi-source
  //    Application (helm mode: the chart, then the values) names several; one must be the GitOps one.
  const claimed = [...new Set(event.repoURLs.map((url) => githubRepository(url)?.toLowerCase()).filter((r) => r !== undefined))];
  if (claimed.length === 0) return ignored("the Application's sources are not GitHub repositories");
  const appClient = await clients.app();
  for (const hinted of claimed.slice(0, MAX_SOURCES)) {
    // 2. Paved is installed there and that org's config names it as its GitOps repository.
    const repo = parseRepo(hinted);
    const installation = await installationOf(appClient, repo);
    if (!installation) continue;
    const gh = await clients.installation(installation.id);
    const settings = await readOrgSettings(gh, repo.owner);
    if (!settings.ok || !settings.config.gitops.repository || !sameRepository(settings.config.gitops.repository, hinted)) continue;
    const { config } = settings;
    const gitops = parseRepo(settings.config.gitops.repository);
    // One process handles one environment's events one at a time; across replicas, `settle` converges.
    const key = `${fullName(gitops).toLowerCase()}#${event.application.labels["paved.dev/environment"] ?? ""}`;
    const work = () => recordForUnit(gh, config, gitops, installation.appId, event, options);
    const result = await (options.serialise ? options.serialise(key, work) : work());
    if (options.shouldSweep?.(fullName(gitops).toLowerCase())) await sweepOverdue(gh, config, installation.appId, options);
    return result;
  }
  return ignored(`none of ${claimed.join(", ")} is a GitOps repository Paved is installed on and configured for`);
}

/** Sources of one Application looked at: Paved renders at most three. */
const MAX_SOURCES = 3;

/** Steps 3 to 7, inside a GitOps repository the org's config names. */
async function recordForUnit(gh: GitHub, config: ResolvedConfig, gitops: Repo, appId: number, event: ArgoEvent, options: FeedbackOptions): Promise<FeedbackResult> {
  // 3. What the event says, about which unit directory.
  const observed = observe(event);
  if (!observed.ok) return ignored(observed.reason);
  const observation = observed.observation;
  const place = unitDirFromLabels(event.application.labels, config);
  if (!place) return ignored(`${event.application.name} does not carry the labels of an Application Paved renders`);
  // 4. The Paved commits for that directory up to the revision, from GitHub, not from the event.
  const commits = await commitsTouching(gh, gitops, observation.revision, place.history);
  if (commits === null) return ignored(`revision ${observation.revision.slice(0, 12)} is not in ${fullName(gitops)}`);
  // 5. Newest first, the deployments they recorded, until one this unit is already done with.
  const pending: PavedDeployment[] = [];
  for (const commit of commits) {
    const facts = parseGitopsCommit(commit.commit.message);
    const unit = facts?.units.find((u) => u.application === event.application.name && u.dir === place.dir);
    const target = unit && deploymentTarget(unit, config);
    if (!facts || !target) continue;
    const source = parseRepo(facts.source.repository);
    // A source repository belongs to the org whose config applied it: trailers cannot point elsewhere.
    if (source.owner.toLowerCase() !== gitops.owner.toLowerCase()) continue;
    const deployment = await findDeployment(gh, source, facts.source.sha, target.environment, commit.sha, appId);
    if (!deployment) continue;
    if (isSettled(deployment.facts, unit.application)) break; // older ones were settled then
    pending.push(deployment);
  }
  // 6. Oldest first.
  const updates: Array<{ repository: string; environment: string; deployment: number; state: string }> = [];
  const touched = new Map<string, PavedDeployment>();
  for (const deployment of pending.reverse()) {
    const transition = advance(deployment.facts, observation);
    if (!transition) continue;
    await postStatus(gh, deployment, statusFor(deployment, transition.fact, transition.state, config));
    updates.push({ repository: fullName(deployment.repo), environment: deployment.environment, deployment: deployment.id, state: transition.state });
    touched.set(`${fullName(deployment.repo)}@${deployment.sha}`, deployment);
    if (deployment.payload.applications.length > 1) await settle(gh, deployment, appId, config);
  }
  // 7. The live line on each pull request whose deployment moved.
  for (const deployment of touched.values()) await refreshPullRequestLine(gh, deployment, config, appId);
  options.log.info({ application: event.application.name, revision: observation.revision, phase: observation.phase, updates: updates.length }, "Argo CD event");
  if (updates.length === 0) return ignored("nothing changed: no Paved deployment of this Application is waiting for that revision");
  return { status: "recorded", updates };
}

/** The status recording `fact`: its unit's words and Application link, and how many of the deployment's units are healthy. */
function statusFor(deployment: PavedDeployment, fact: UnitFact, state: DeploymentState, config: ResolvedConfig): NewStatus {
  const app = deployment.payload.applications.find((a) => a.application === fact.application)!;
  const units = new Map(deployment.facts.units).set(app.application, fact);
  const healthy = [...units.values()].filter((u) => u.phase === "healthy").length;
  return {
    state,
    description: describeUnit(app, fact, { healthy, total: deployment.payload.applications.length }),
    logUrl: argoApplicationUrl(config, app.application) ?? deployment.logUrl,
  };
}

/**
 * Another replica may have recorded another unit of the same deployment at the same moment, each
 * seeing only its own: read the history back and post the state all recorded facts add up to.
 */
async function settle(gh: GitHub, deployment: PavedDeployment, appId: number, config: ResolvedConfig): Promise<void> {
  const fresh = await reread(gh, deployment, appId);
  const state = aggregate(fresh.payload.applications, fresh.facts.units);
  if (state === fresh.facts.state || isFinal(fresh.facts.state)) return;
  const facts = [...fresh.facts.units.values()];
  const fact = facts.find((f) => f.phase === "failed") ?? facts.find((f) => f.phase === "healthy") ?? facts[0];
  if (fact) await postStatus(gh, fresh, statusFor(fresh, fact, state, config));
}

/**
 * Deployments of auto-synced environments that Argo CD said nothing terminal about within the
 * timeout become `error` "no feedback from Argo CD". Only GitHub's state is read, so any replica,
 * after any restart, can run it; commits older than `HORIZON_MS` past the timeout are left alone.
 */
export async function sweepOverdue(gh: GitHub, config: ResolvedConfig, appId: number, options: FeedbackOptions): Promise<number> {
  if (!config.gitops.repository) return 0;
  const gitops = parseRepo(config.gitops.repository);
  const until = options.now - options.timeoutMs;
  const { data } = await gh.request("GET /repos/{owner}/{repo}/commits", {
    ...gitops,
    sha: config.gitops.branch,
    since: new Date(until - HORIZON_MS).toISOString(),
    until: new Date(until).toISOString(),
    per_page: 30,
  });
  let marked = 0;
  for (const commit of data) {
    const facts = parseGitopsCommit(commit.commit.message);
    if (!facts) continue;
    const source = parseRepo(facts.source.repository);
    if (source.owner.toLowerCase() !== gitops.owner.toLowerCase()) continue;
    const targets = new Map(facts.units.map((u) => deploymentTarget(u, config)).filter((t) => t !== null).map((t) => [t.environment, t]));
    for (const { environment, autoSync } of targets.values()) {
      if (!autoSync) continue; // a manual sync may wait for a person
      const deployment = await findDeployment(gh, source, facts.source.sha, environment, commit.sha, appId);
      if (!deployment || !isOverdue({ state: deployment.facts.state, createdAt: deployment.createdAt }, options.now, options.timeoutMs)) continue;
      await postStatus(gh, deployment, { state: "error", description: describeTimeout(Math.round(options.timeoutMs / 60_000)), logUrl: deployment.logUrl });
      await refreshPullRequestLine(gh, deployment, config, appId);
      marked += 1;
    }
  }
  if (marked > 0) options.log.warn({ gitops: config.gitops.repository, marked }, "deployments without feedback from Argo CD");
  return marked;
}

/** How far back the sweep looks past the timeout. */
const HORIZON_MS = 6 * 60 * 60 * 1000;

/** Rewrites the comment's deployments block from the source commit's deployments as GitHub has them now. */
async function refreshPullRequestLine(gh: GitHub, deployment: PavedDeployment, config: ResolvedConfig, appId: number): Promise<void> {
  const pullRequest = deployment.payload.pullRequest;
  if (typeof pullRequest !== "number") return;
  if (deployment.environment === previewDeploymentEnvironment(pullRequest)) {
    // A preview has one deployment at a time (a push supersedes the one before): its own comment shows it.
    const current = await reread(gh, deployment, appId, 1);
    const line = deploymentsBlock([environmentStatus(PREVIEW_ENVIRONMENT, current)]);
    await editStickyComment(gh, deployment.repo, pullRequest, PREVIEW_MARKER, (body) => withDeploymentsBlock(body, line), { appId });
    return;
  }
  const all = await pavedDeployments(gh, deployment.repo, deployment.sha, appId);
  const latestPerEnvironment = new Map<string, (typeof all)[number]>();
  for (const d of all) if (!latestPerEnvironment.has(d.environment)) latestPerEnvironment.set(d.environment, d); // newest first
  const statuses: EnvironmentStatus[] = [];
  for (const environment of config.environments.map((e) => e.name)) {
    const d = latestPerEnvironment.get(environment);
    if (!d) continue;
    statuses.push(environmentStatus(environment, await withFacts(gh, deployment.repo, d, appId, 1)));
  }
  await editStickyComment(gh, deployment.repo, pullRequest, PLAN_MARKER, (body) => withDeploymentsBlock(body, deploymentsBlock(statuses)), { appId });
}

/** One environment's segment of the live line, from its deployment as GitHub has it now. */
function environmentStatus(environment: string, current: PavedDeployment): EnvironmentStatus {
  const versions = [...new Set(current.payload.applications.map((a) => a.version).filter((v): v is string => typeof v === "string"))];
  return {
    environment,
    state: current.facts.state,
    description: current.description,
    logUrl: current.logUrl,
    autoSync: current.payload.autoSync,
    ...(versions.length === 1 ? { version: versions[0]! } : {}),
  };
}

async function installationOf(app: GitHub, repo: Repo): Promise<{ id: number; appId: number } | null> {
  try {
    const { data } = await app.request("GET /repos/{owner}/{repo}/installation", { ...repo });
    return { id: data.id, appId: data.app_id };
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
}

async function commitsTouching(gh: GitHub, gitops: Repo, revision: string, dir: string) {
  if (!/^[0-9a-f]{40}$/.test(revision)) return null;
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/commits", { ...gitops, sha: revision, path: dir, per_page: MAX_PENDING });
    return data;
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404 || status === 422) return null;
    throw error;
  }
}

function ignored(reason: string): FeedbackResult {
  return { status: "ignored", reason };
}
