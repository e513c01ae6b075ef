import type { ResolvedConfig, ResolvedEnvironment } from "../config/types.js";

/**
 * Which source commit goes to which environment. Pure: the recorded deployments (from the ownership
 * index, read in the same attempt as the plan) and a request in, the commit per environment out.
 */

export type DeployAction = "merge" | "promote" | "rollback";

/** What one environment runs for one source, as the ownership index records it. */
export interface EnvironmentDeployment {
  commit: string;
  /** How it got there. */
  action: DeployAction;
  /** Nothing promotes into a held environment (a rollback holds it) until released or promoted by hand. */
  held: boolean;
  /** Earlier deployed commits, newest first (what a rollback without a commit goes back to). */
  previous: string[];
}

export type Deployed = Record<string, EnvironmentDeployment>;

export const HISTORY_LIMIT = 10;

export type DeployRequest =
  | {
      kind: "merge";
      head: string;
      /** Environments that have files in the GitOps tree (an index written before promotion). */
      present: string[];
      /** Environments this merge may not change (lacking an approval): they keep their commit. */
      withheld?: string[];
    }
  | { kind: "promote"; environment: string }
  | { kind: "healthy"; environment: string; commit: string }
  | { kind: "rollback"; environment: string; commit?: string }
  | { kind: "hold"; environment: string }
  | { kind: "release"; environment: string };

/** One environment's part of a decision: deploy `commit` there (null: nothing is deployed, the source has no units there). */
export interface EnvironmentTarget {
  environment: string;
  commit: string | null;
  /** True when this request changes which commit the environment runs. */
  changes: boolean;
  /** For the plan comment: "deployed with this merge", "waits for promotion after staging", "held". */
  note: string;
}

export type DeployDecision =
  | { kind: "deploy"; targets: EnvironmentTarget[]; deployed: Deployed; action: DeployAction; environments: string[] }
  /** Nothing to write, with the reason (already there, held, nothing to promote). */
  | { kind: "noop"; reason: string }
  | { kind: "refused"; reason: string };

export function decide(config: ResolvedConfig, deployed: Deployed, request: DeployRequest): DeployDecision {
  switch (request.kind) {
    case "merge":
      return decideMerge(config, deployed, request.head, new Set(request.present), new Set(request.withheld ?? []));
    case "promote":
      return decidePromote(config, deployed, request.environment);
    case "healthy":
      return decideHealthy(config, deployed, request.environment, request.commit);
    case "rollback":
      return decideRollback(config, deployed, request.environment, request.commit);
    case "hold":
    case "release":
      return decideHold(config, deployed, request.environment, request.kind === "hold");
  }
}

function decideMerge(config: ResolvedConfig, deployed: Deployed, head: string, present: Set<string>, withheld: Set<string>): DeployDecision {
  const next: Deployed = { ...deployed };
  const changed: string[] = [];
  const targets = config.environments.map((env): EnvironmentTarget => {
    const current = deployed[env.name];
    if (current?.held) return { environment: env.name, commit: current.commit, changes: false, note: `held at ${short(current.commit)}: \`/paved release ${env.name}\` lets merges and promotions in again` };
    // An environment deployed before promotion was recorded follows this merge once, as it always did.
    const followsMerge = env.promote.kind === "merge" || (current === undefined && present.has(env.name));
    if (!followsMerge) {
      return current
        ? { environment: env.name, commit: current.commit, changes: false, note: `stays at ${short(current.commit)}; ${waiting(env)}` }
        : { environment: env.name, commit: null, changes: false, note: `nothing deployed yet; ${waiting(env)}` };
    }
    // Withheld (lacking an approval): rendered at the head so the plan shows what waits, but the
    // caller keeps these files out of the commit, so the record keeps the commit that runs there.
    if (withheld.has(env.name)) return { environment: env.name, commit: head, changes: current?.commit !== head, note: "waits for the approval this merge lacks" };
    if (current?.commit !== head) {
      next[env.name] = moved(current, head, "merge", false);
      changed.push(env.name);
    }
    return { environment: env.name, commit: head, changes: current?.commit !== head, note: "deployed with this merge" };
  });
  return { kind: "deploy", targets, deployed: next, action: "merge", environments: changed };
}

function decidePromote(config: ResolvedConfig, deployed: Deployed, environment: string): DeployDecision {
  const env = find(config, environment);
  if (!env) return refusedUnknown(config, environment);
  const from = promotesFrom(config, env);
  if (!from) return { kind: "refused", reason: `\`${environment}\` is the first environment: merges deploy it, there is nothing to promote from` };
  const source = deployed[from];
  if (!source) return { kind: "refused", reason: `nothing is deployed in \`${from}\` yet, so there is nothing to promote to \`${environment}\`` };
  const current = deployed[environment];
  // Promoting by hand is the way out of a hold, even with the commit that is already there.
  if (current?.commit === source.commit && !current.held) return { kind: "noop", reason: `\`${environment}\` already runs ${short(source.commit)}, the commit deployed in \`${from}\`` };
  return deployTo(config, deployed, environment, source.commit, "promote", false, `promoted from \`${from}\``);
}

function decideHealthy(config: ResolvedConfig, deployed: Deployed, healthy: string, commit: string): DeployDecision {
  // Health is a fact about the commit deployed there now; a late report about an older one promotes nothing.
  if (deployed[healthy]?.commit !== commit) return { kind: "noop", reason: `${short(commit)} is no longer what \`${healthy}\` runs` };
  const next = config.environments.filter((e) => e.promote.kind === "after" && e.promote.environment === healthy);
  const reasons: string[] = [];
  let result: Deployed = deployed;
  const environments: string[] = [];
  for (const env of next) {
    const current = result[env.name];
    if (current?.held) {
      reasons.push(`\`${env.name}\` is held at ${short(current.commit)}`);
      continue;
    }
    if (current?.commit === commit) continue;
    result = { ...result, [env.name]: moved(current, commit, "promote", false) };
    environments.push(env.name);
  }
  if (environments.length === 0) return { kind: "noop", reason: reasons.length > 0 ? `not promoted: ${reasons.join(", ")}` : "nothing waits for this environment" };
  return { kind: "deploy", targets: targetsOf(config, result, environments, `promoted after \`${healthy}\` was healthy`), deployed: result, action: "promote", environments };
}

function decideRollback(config: ResolvedConfig, deployed: Deployed, environment: string, commit: string | undefined): DeployDecision {
  if (!find(config, environment)) return refusedUnknown(config, environment);
  const current = deployed[environment];
  if (!current) return { kind: "refused", reason: `nothing is deployed in \`${environment}\`, so there is nothing to roll back` };
  if (commit === undefined) {
    // A second `/paved rollback` (a double comment, a redelivery) must not go back one step further.
    if (current.action === "rollback") return { kind: "noop", reason: `\`${environment}\` was already rolled back to ${short(current.commit)}; name a commit to go further back` };
    const target = current.previous.find((c) => c !== current.commit);
    if (!target) return { kind: "refused", reason: `\`${environment}\` has no earlier deployed commit on record; name one: \`/paved rollback ${environment} <sha>\`` };
    commit = target;
  }
  if (current.commit === commit) {
    if (current.held) return { kind: "noop", reason: `\`${environment}\` already runs ${short(commit)} and is held` };
    return { kind: "deploy", targets: targetsOf(config, deployed, [], ""), deployed: { ...deployed, [environment]: { ...current, held: true, action: "rollback" } }, action: "rollback", environments: [] };
  }
  return deployTo(config, deployed, environment, commit, "rollback", true, "rolled back");
}

function decideHold(config: ResolvedConfig, deployed: Deployed, environment: string, held: boolean): DeployDecision {
  if (!find(config, environment)) return refusedUnknown(config, environment);
  const current = deployed[environment];
  if (!current) return { kind: "refused", reason: `nothing is deployed in \`${environment}\` yet` };
  if (current.held === held) return { kind: "noop", reason: `\`${environment}\` is ${held ? "already held" : "not held"}` };
  return { kind: "deploy", targets: targetsOf(config, deployed, [], ""), deployed: { ...deployed, [environment]: { ...current, held } }, action: current.action, environments: [] };
}

function deployTo(config: ResolvedConfig, deployed: Deployed, environment: string, commit: string, action: DeployAction, held: boolean, note: string): DeployDecision {
  const next = { ...deployed, [environment]: moved(deployed[environment], commit, action, held) };
  return { kind: "deploy", targets: targetsOf(config, next, [environment], note), deployed: next, action, environments: [environment] };
}

/** Every environment at its recorded commit; those in `changing` with `note`. */
function targetsOf(config: ResolvedConfig, deployed: Deployed, changing: string[], note: string): EnvironmentTarget[] {
  return config.environments.map((env) => {
    const commit = deployed[env.name]?.commit ?? null;
    const changes = changing.includes(env.name);
    return { environment: env.name, commit, changes, note: changes ? note : commit ? `stays at ${short(commit)}` : "nothing deployed" };
  });
}

/** The record after `commit` replaced what ran there: the old commit heads the history. */
export function moved(current: EnvironmentDeployment | undefined, commit: string, action: DeployAction, held: boolean): EnvironmentDeployment {
  const previous = current ? [current.commit, ...current.previous].filter((c, i, all) => c !== commit && all.indexOf(c) === i).slice(0, HISTORY_LIMIT) : [];
  return { commit, action, held, previous };
}

/** The environment a promotion into `env` takes its commit from: `after`, else the previous one in order. */
export function promotesFrom(config: ResolvedConfig, env: ResolvedEnvironment): string | undefined {
  if (env.promote.kind === "after") return env.promote.environment;
  const index = config.environments.findIndex((e) => e.name === env.name);
  return index > 0 ? config.environments[index - 1]!.name : undefined;
}

function waiting(env: ResolvedEnvironment): string {
  return env.promote.kind === "after" ? `waits for promotion after \`${env.promote.environment}\` is healthy` : `waits for \`/paved promote ${env.name}\``;
}

function find(config: ResolvedConfig, environment: string): ResolvedEnvironment | undefined {
  return config.environments.find((e) => e.name === environment);
}

function refusedUnknown(config: ResolvedConfig, environment: string): DeployDecision {
  return { kind: "refused", reason: `\`${environment}\` is not an environment of the org config (${config.environments.map((e) => `\`${e.name}\``).join(", ")})` };
}

export function short(commit: string): string {
  return commit.slice(0, 7);
}
