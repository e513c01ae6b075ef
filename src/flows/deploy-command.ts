import type { Log } from "../core/log.js";
import type { ResolvedConfig } from "../config/types.js";
import { checkManifest } from "../manifest/check.js";
import { GitHubWriter } from "../gitops/github.js";
import { deploy, type DeployOutcome } from "./deploy.js";
import type { RetryOptions } from "./apply.js";
import { indexPath } from "../plan/paths.js";
import type { DeployRequest } from "../plan/promotion.js";
import type { Plan } from "../plan/types.js";
import { codeSpan } from "../report/escape.js";
import { httpStatus, parseRepo, sourceOf, type GitHub, type Repo } from "../github/client.js";
import { directPlanner, gatedEnvironments, proposeGated } from "./environment-gate.js";
import { readOrgSettings, type OrgSettings } from "../github/org-settings.js";
import { deploymentRecords, recordDeployments } from "../github/deployments.js";
import { webRoot } from "../github/web-links.js";
import { readFileAt } from "../github/read-file.js";
import { hasWriteAccess } from "../github/write-access.js";

export type DeployVerb = "promote" | "rollback" | "hold" | "release";

export interface DeployCommand {
  verb: DeployVerb;
  environment: string;
  /** rollback only: the source commit (7–40 hex digits) to go back to. */
  commit?: string;
}

export interface DeployTarget {
  repo: Repo;
  repositoryId?: number;
  defaultBranch: string;
  /** Who asked (a comment's author); absent for automatic promotions. */
  actor?: string;
  log: Pick<Log, "info" | "warn" | "error">;
  retry?: RetryOptions;
  /** The source repository's web URL (`repository.html_url`): links go to its host (GitHub Enterprise differs). */
  htmlUrl?: string;
}

export interface DeployCommandResult {
  status: DeployOutcome["status"] | "unauthorised" | "unknown-commit";
  /** The reply for the person who asked, in markdown. */
  reply: string;
}

/**
 * `/paved promote|rollback|hold|release <env>`: authorise, then re-plan the source's environments
 * against the GitOps tree as it is (the decision re-made in every compare-and-swap attempt), commit
 * directly or propose in the environment's GitOps pull request, and say what happened.
 */
export async function runDeployCommand(gh: GitHub, target: DeployTarget, command: DeployCommand): Promise<DeployCommandResult> {
  const { repo } = target;
  // 1. The org config, the environment and who may act on it.
  const settings = await readOrgSettings(gh, repo.owner);
  if (!settings.ok) return { status: "invalid", reply: `The org config does not load (${settings.location}); fix it first.` };
  const { config } = settings;
  const environment = config.environments.find((e) => e.name === command.environment);
  if (!environment) {
    return { status: "refused", reply: `${codeSpan(command.environment)} is not an environment of the org config (${config.environments.map((e) => codeSpan(e.name)).join(", ")}).` };
  }
  if (!config.gitops.repository) return { status: "refused", reply: "No `gitops.repository` is configured: there is nothing to deploy to." };
  const manifestAtHead = await readFileAt(gh, repo, config.manifest, target.defaultBranch);
  const teams = [...(environment.approval?.teams ?? [])];
  if (environment.approval?.owners && manifestAtHead !== null) {
    const owner = checkManifest(manifestAtHead, config.manifest, config).units[0]?.owner;
    if (owner) teams.unshift(owner);
  }
  const who = await mayDeploy(gh, repo, target.actor, environment.approval ? teams : null);
  if (who !== null) return { status: "unauthorised", reply: who };

  // 2. A named commit must be one the default branch has seen (not a fork's, not a dangling one).
  let commit: string | undefined;
  if (command.commit !== undefined) {
    const resolved = await resolveOnDefaultBranch(gh, repo, command.commit, target.defaultBranch);
    if (typeof resolved !== "string") return { status: "unknown-commit", reply: resolved.reason };
    commit = resolved;
  }
  const request: DeployRequest =
    command.verb === "rollback" ? { kind: "rollback", environment: environment.name, ...(commit ? { commit } : {}) } : { kind: command.verb, environment: environment.name };
  // The same settings that authorised the command decide it.
  return applyRequest(gh, target, request, settings);
}

/** An environment reported healthy with `commit`: promote it into the environments that wait for that (`promote: { after }`). */
export async function promoteAfterHealthy(gh: GitHub, target: DeployTarget, environment: string, commit: string): Promise<DeployCommandResult> {
  return applyRequest(gh, target, { kind: "healthy", environment, commit });
}

async function applyRequest(gh: GitHub, target: DeployTarget, request: DeployRequest, loaded?: OrgSettings): Promise<DeployCommandResult> {
  const { repo } = target;
  const settings = loaded ?? (await readOrgSettings(gh, repo.owner));
  if (!settings.ok) return { status: "invalid", reply: `The org config does not load (${settings.location}); fix it first.` };
  const { config } = settings;
  if (!config.gitops.repository) return { status: "refused", reply: "No `gitops.repository` is configured." };
  const gitops = parseRepo(config.gitops.repository);
  const writer = new GitHubWriter(gh, gitops, config.gitops.branch);
  const source = sourceOf(repo, target.repositoryId);
  const gated = gatedEnvironments(config);
  let lastFull: () => Plan | undefined = () => undefined;
  const outcome = await deploy({
    writer,
    config,
    templates: settings.templates,
    ...(settings.renderOptions ? { renderOptions: settings.renderOptions } : {}),
    manifestPath: config.manifest,
    source,
    readManifest: (c) => readFileAt(gh, repo, config.manifest, c),
    request: () => request,
    ...(target.actor ? { by: target.actor } : {}),
    wrap: (planner) => {
      const direct = directPlanner(planner, gated, indexPath(config, source));
      lastFull = direct.lastFull;
      return direct.planner;
    },
    ...(target.retry ? { retry: target.retry } : {}),
  });
  target.log.info({ request, status: outcome.status }, "deploy command");
  switch (outcome.status) {
    case "noop":
      return { status: "noop", reply: `Nothing to do: ${outcome.reason}.` };
    case "refused":
      return { status: "refused", reply: `Not done: ${outcome.reason}.` };
    case "invalid-commit": {
      const lines = outcome.diagnostics.filter((d) => d.severity === "error").slice(0, 10).map((d) => `- ${d.file}:${d.line}:${d.column} ${codeSpan(d.code)}: ${d.message}`);
      return { status: "invalid-commit", reply: `Nothing was written: the manifest at ${codeSpan(outcome.commit.slice(0, 7))} does not validate under today's org config:\n\n${lines.join("\n")}` };
    }
    case "invalid":
      return { status: "invalid", reply: `Nothing was written: the plan is invalid (${outcome.plan.diagnostics.map((d) => d.message).join("; ")}).` };
    case "conflict":
      return { status: "conflict", reply: "Nothing was written: the GitOps branch kept moving. Say the command again." };
  }
  if (outcome.status === "committed") await recordCommandDeployments(gh, repo, config, outcome, gated, `${webRoot(repo, target.htmlUrl)}/${config.gitops.repository}/commit/${outcome.sha}`);
  const full = lastFull();
  const proposed = full ? await proposeGated(gh, gitops, writer, config.gitops.branch, full, gated, { ...source, sha: outcome.decision.targets.find((t) => t.changes)?.commit ?? "" }, outcome.tree) : [];
  const done = outcome.decision.environments.map((e) => `${codeSpan(e)} → ${codeSpan(outcome.decision.deployed[e]!.commit.slice(0, 7))}`);
  const held = Object.entries(outcome.decision.deployed).filter(([, d]) => d.held).map(([e]) => codeSpan(e));
  const where = outcome.status === "committed" ? `GitOps commit ${webRoot(repo, target.htmlUrl)}/${config.gitops.repository}/commit/${outcome.sha}` : "no file changed";
  const lines = [
    done.length > 0 ? `${request.kind === "rollback" ? "Rolled back" : "Promoted"} ${done.join(", ")} (${where}).` : `Recorded (${where}).`,
    ...proposed.map((p) => `${codeSpan(p.environment)} waits for review in the GitOps repository: ${p.url}`),
    ...(held.length > 0 ? [`Held: ${held.join(", ")} — nothing promotes into it until \`/paved release <env>\` or a promotion by hand.`] : []),
  ];
  return { status: outcome.status, reply: lines.join("\n") };
}

/**
 * A promotion or rollback written to the GitOps branch is a deployment like a merge's: one GitHub
 * Deployment per environment it changed, of the source commit that environment now runs, queued until
 * Argo CD reports (so feedback, the portal and `promote: { after }` follow it). Gated environments get
 * theirs when their GitOps pull request is merged.
 */
async function recordCommandDeployments(gh: GitHub, repo: Repo, config: ResolvedConfig, outcome: Extract<DeployOutcome, { status: "committed" }>, gated: ReadonlySet<string>, url: string): Promise<void> {
  const production = new Set(config.environments.filter((e) => e.production).map((e) => e.name));
  const records = deploymentRecords(outcome.plan, outcome.units, config, url).filter((r) => outcome.decision.environments.includes(r.environment) && !gated.has(r.environment));
  for (const record of records) {
    await recordDeployments(gh, repo, outcome.decision.deployed[record.environment]!.commit, { repository: config.gitops.repository!, commit: outcome.sha }, [record], production);
  }
}

/** null when `actor` has write access (and, for environments with `approval`, is in one of `teams`); else who may. */
async function mayDeploy(gh: GitHub, repo: Repo, actor: string | undefined, teams: string[] | null): Promise<string | null> {
  if (actor === undefined) return "Only a person can ask for this.";
  const writes = await hasWriteAccess(gh, repo, actor);
  const needsTeam = teams !== null;
  const teamList = teams && teams.length > 0 ? teams.map((t) => `@${repo.owner}/${t}`).join(", ") : "(no team configured)";
  const whoMay = `People with write access to ${repo.owner}/${repo.repo}${needsTeam ? ` who are members of ${teamList}` : ""} may.`;
  if (!writes) return `@${actor} may not do this: ${whoMay}`;
  if (!needsTeam) return null;
  for (const team of teams) {
    try {
      const { data: m } = await gh.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org: repo.owner, team_slug: team, username: actor });
      if (m.state === "active") return null;
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
    }
  }
  return `@${actor} may not do this: ${whoMay}`;
}

async function resolveOnDefaultBranch(gh: GitHub, repo: Repo, ref: string, defaultBranch: string): Promise<string | { reason: string }> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/commits/{ref}", { ...repo, ref });
    const { data: compare } = await gh.request("GET /repos/{owner}/{repo}/compare/{basehead}", { ...repo, basehead: `${data.sha}...${defaultBranch}`, per_page: 1 });
    if (compare.status === "ahead" || compare.status === "identical") return data.sha;
    return { reason: `${codeSpan(ref)} is not on \`${defaultBranch}\`: only commits the default branch has had can be deployed.` };
  } catch (error) {
    if (httpStatus(error) === 404 || httpStatus(error) === 422) return { reason: `${codeSpan(ref)} is not a commit of ${repo.owner}/${repo.repo}.` };
    throw error;
  }
}
