/**
 * The Action: the same flows as the app (`planPullRequest`, `applyPush`), fed from the Actions
 * environment. The org config comes from the workspace; the step fails when the plan is invalid,
 * waits for an approval, or could not be applied — and on any error, with a message that says why.
 */
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import { formatGithub } from "../report/workflow-commands.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { Log } from "../core/log.js";
import { applyAttempts, quickCheckMs } from "../core/shell-env.js";
import type { RetryOptions } from "../flows/apply.js";
import { GitOpsUnreachableError } from "../gitops/github.js";
import { fullName, httpStatus, type GitHub } from "../github/client.js";
import type { OrgSettings } from "../github/org-settings.js";
import { headOf } from "../github/find-pull-request.js";
import { planPullRequest, replanPullRequestsInto } from "../flows/pull-request-plan.js";
import { plansPullRequest } from "../flows/pull-request-trigger.js";
import { pushesDefaultBranch, type PushFacts } from "../github/push-trigger.js";
import { applyPush } from "../flows/push-apply.js";
import { readOrgSettings } from "../github/org-settings.js";
import type { Plan } from "../plan/types.js";
import { ActionError, readContext, readInputs, type ActionContext, type ActionInputs, type ClientLog } from "./inputs.js";
import { workspaceSettings } from "./settings.js";

export interface ActionLog extends ClientLog {
  /** Raw workflow commands (`::error file=…::…`), written as they are. */
  write(text: string): void;
  setOutput(name: string, value: string): void;
}

export interface ActionDeps {
  /** A client for a token: `actionClient` in the entry, a throttling-free one in tests. */
  client(token: string): GitHub;
  log: ActionLog;
  /** Backoff between apply attempts (tests make it instant); the attempts come from `PAVED_APPLY_ATTEMPTS`. */
  retry?: RetryOptions;
  /** From `PAVED_QUICK_CHECK_MS` (see core/shell-env.ts). */
  quickCheckMs?: number;
}

export interface ActionResult {
  /** The step's failure message; absent when the step passes. */
  failed?: string;
}

const PULL_REQUEST_EVENTS = new Set(["pull_request_target", "pull_request", "pull_request_review"]);

/** Never throws: every failure comes back as the step's message. */
export async function runAction(env: NodeJS.ProcessEnv, deps: ActionDeps): Promise<ActionResult> {
  let inputs: ActionInputs | undefined;
  try {
    const context = readContext(env);
    inputs = readInputs(env);
    const event = await readEvent(context.eventPath);
    deps = { ...deps, retry: { attempts: applyAttempts(env), ...deps.retry }, quickCheckMs: quickCheckMs(env) };
    if (PULL_REQUEST_EVENTS.has(context.eventName)) return await onPullRequest(context, inputs, event, deps);
    if (context.eventName === "push") return await onPush(context, inputs, event, deps);
    return { failed: `Paved runs on pull_request_target, pull_request and push events, not on \`${context.eventName}\`: see action/README.md for the workflow` };
  } catch (error) {
    if (!(error instanceof ActionError)) deps.log.debug(`paved: ${(error as Error)?.stack ?? String(error)}`);
    return { failed: failureMessage(error, inputs) };
  }
}

// ── Pull requests: a check run and the sticky comment, annotations in the log ─────────────────

async function onPullRequest(context: ActionContext, inputs: ActionInputs, event: any, deps: ActionDeps): Promise<ActionResult> {
  const pr = event.pull_request;
  if (!pr) throw new ActionError(`the ${context.eventName} event payload has no pull_request`);
  if (!plansPullRequest(context.eventName, event)) {
    deps.log.info(`Paved: nothing to plan for a${pr.state === "open" ? "" : " closed"} pull request ${event.action ?? ""} event`);
    return {};
  }
  const gh = deps.client(inputs.githubToken);
  const settings = await actionSettings(context, inputs, deps);
  if (inputs.configSource === "workspace" && context.eventName !== "pull_request_target") await refuseConfigFromTheBranch(gh, context, inputs, settings, pr);
  const outcome = await planPullRequest(gh, {
    repo: context.repo,
    ...repositoryId(event),
    number: pr.number,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    head: headOf(pr, context.repo),
    baseRef: pr.base.ref,
    defaultBranch: event.repository?.default_branch,
    author: { login: inputs.commentAuthor },
    deliveryId: context.runId,
    quickCheckMs: deps.quickCheckMs,
    log: flowLog(deps.log),
    htmlUrl: event.repository?.html_url ?? `${context.serverUrl}/${fullName(context.repo)}`,
    settings,
    ...gitopsClient(inputs, deps),
  });
  if (outcome.status === "skipped") {
    deps.log.info(`Paved: ${outcome.reason}; nothing to check`);
    setOutputs(deps.log, null);
    return {};
  }
  const { plan } = outcome;
  report(deps.log, plan, `Paved plan ${plan.id} for #${pr.number}: ${plan.valid ? `valid, ${plan.changes.length} file change(s)` : "invalid"}`);
  if (!plan.valid) return { failed: invalid(plan, settings, "the plan") };
  if (outcome.pendingApprovals.length > 0) {
    return { failed: `Paved: waiting for an approving review for ${outcome.pendingApprovals.join(", ")} (see the Paved check); re-run this job after the approval` };
  }
  if (outcome.conclusion === "failure") return { failed: "Paved: the plan cannot be applied as it is (see the Paved check)" };
  return {};
}

/** The org settings: from `<org>/.github` like the app, unless the workflow opted into its workspace. */
async function actionSettings(context: ActionContext, inputs: ActionInputs, deps: ActionDeps): Promise<OrgSettings> {
  if (inputs.configSource === "workspace") return workspaceSettings(context.workspace, inputs.config, inputs.manifest);
  const reader = deps.client(inputs.configToken || inputs.gitopsToken || inputs.githubToken);
  const settings = await readOrgSettings(reader, context.repo.owner);
  return settings.ok && inputs.manifest ? { ...settings, config: { ...settings.config, manifest: inputs.manifest } } : settings;
}

/** The repository paths of the workspace files the settings came from: the config, its templates and values schema. */
function workspaceSources(context: ActionContext, inputs: ActionInputs, settings: OrgSettings): string[] {
  const config = resolve(context.workspace, inputs.config);
  const files = [config];
  if (settings.ok && settings.config.render.templates) files.push(resolve(dirname(config), settings.config.render.templates));
  const schema = settings.ok && settings.config.render.mode === "helm" ? settings.config.render.chart?.valuesSchema : undefined;
  if (schema && !/^[a-z]+:\/\//i.test(schema)) files.push(resolve(dirname(config), schema));
  // Outside the checkout (another repository checked out elsewhere): not part of this repository's changes.
  return files.map((f) => relative(context.workspace, f)).filter((p) => p !== "" && !p.startsWith("..")).map((p) => p.split(sep).join("/"));
}

/** Which of those paths changed between two commits (GitHub's compare lists at most 300 files: more counts as changed). */
async function changedBetween(gh: GitHub, context: ActionContext, sources: string[], base: string, head: string): Promise<string[]> {
  if (sources.length === 0) return [];
  const { data } = await gh.request("GET /repos/{owner}/{repo}/compare/{basehead}", { ...context.repo, basehead: `${base}...${head}` });
  const files = (data.files ?? []).flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
  if (files.length >= 300) return sources;
  return sources.filter((s) => files.some((f) => f === s || f.startsWith(`${s}/`)));
}

async function workspaceFilesChangedBy(gh: GitHub, context: ActionContext, inputs: ActionInputs, settings: OrgSettings, after: string): Promise<string[]> {
  const sources = workspaceSources(context, inputs, settings);
  if (sources.length === 0) return [];
  const { data: commit } = await gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...context.repo, commit_sha: after });
  const parent = commit.parents[0]?.sha;
  if (parent) return changedBetween(gh, context, sources, parent, after);
  // A first commit changes whatever it holds.
  const present = await Promise.all(sources.map((path) => gh.request("GET /repos/{owner}/{repo}/contents/{path}", { ...context.repo, path, ref: after }).then(() => true, (error: unknown) => (httpStatus(error) === 404 ? false : Promise.reject(error)))));
  return sources.filter((_, i) => present[i]);
}

/**
 * With `pull_request` (not `_target`) the workspace is the pull request's merge commit: a pull request
 * that edits the config or its templates would be judged by its own rules. Refuse that instead of planning.
 */
async function refuseConfigFromTheBranch(gh: GitHub, context: ActionContext, inputs: ActionInputs, settings: OrgSettings, pr: any): Promise<void> {
  const changed = await changedBetween(gh, context, workspaceSources(context, inputs, settings), pr.base.sha, pr.head.sha);
  if (changed.length > 0) {
    throw new ActionError(
      `this pull request changes ${changed.join(", ")} (the org config or its templates), and on \`${context.eventName}\` the workspace holds the pull request's version: Paved never judges a change by rules it brings. Run Paved on \`pull_request_target\` (the config then comes from the base branch), or change the config in its own pull request first`,
    );
  }
}

// ── Pushes to the default branch: one GitOps commit ─────────────────────────────────────────────

async function onPush(context: ActionContext, inputs: ActionInputs, event: any, deps: ActionDeps): Promise<ActionResult> {
  const repository = event.repository;
  if (!repository?.default_branch) throw new ActionError("the push event payload has no repository.default_branch");
  const push: PushFacts = {
    ref: event.ref,
    before: event.before,
    after: event.after,
    deleted: Boolean(event.deleted),
    defaultBranch: repository.default_branch,
    commits: event.commits ?? [],
  };
  // The App's filter: only the default branch deploys.
  if (!pushesDefaultBranch(push)) {
    deps.log.info(`Paved: ${event.ref} is not the default branch (${repository.default_branch}); only merges there deploy`);
    return {};
  }
  const gh = deps.client(inputs.githubToken);
  const settings = await actionSettings(context, inputs, deps);
  if (inputs.configSource === "workspace") {
    const changed = await workspaceFilesChangedBy(gh, context, inputs, settings, event.after);
    if (changed.length > 0) {
      return {
        failed: `Paved: nothing applied: this push changes ${changed.join(", ")}, the org config or templates Paved reads from the workspace (\`config-source: workspace\`), and no plan showed what they render. Merge config and template changes on their own first: the next change to the manifest is planned, and applied, with them`,
      };
    }
  }
  const result = await applyPush(gh, {
    repo: context.repo,
    ...repositoryId(event),
    ...push,
    deliveryId: context.runId,
    quickCheckMs: deps.quickCheckMs,
    log: flowLog(deps.log),
    htmlUrl: repository.html_url ?? `${context.serverUrl}/${fullName(context.repo)}`,
    author: { login: inputs.commentAuthor },
    settings,
    ...gitopsClient(inputs, deps),
    ...(deps.retry ? { retry: deps.retry } : {}),
  });
  // The default branch's manifest changed: the open pull requests into it merge into something new.
  if (result.status !== "skipped" || result.reason === "no GitOps repository configured") {
    await replanPullRequestsInto(gh, repository.default_branch, {
      repo: context.repo,
      ...repositoryId(event),
      defaultBranch: repository.default_branch,
      author: { login: inputs.commentAuthor },
      deliveryId: context.runId,
      quickCheckMs: deps.quickCheckMs,
      log: flowLog(deps.log),
      htmlUrl: repository.html_url ?? `${context.serverUrl}/${fullName(context.repo)}`,
      settings,
      ...gitopsClient(inputs, deps),
    });
  }
  switch (result.status) {
    case "skipped":
      deps.log.info(`Paved: ${result.reason}; nothing to apply`);
      setOutputs(deps.log, null);
      return {};
    case "invalid":
      report(deps.log, result.plan, `Paved: the manifest at ${event.after} is invalid; nothing was applied`);
      return { failed: invalid(result.plan, settings, "the manifest on the default branch") };
    case "conflict":
      report(deps.log, result.plan, `Paved: every attempt lost the race to another GitOps writer`);
      return { failed: `Paved: the GitOps branch kept moving (${result.attempts} attempts); nothing was written — re-run this job` };
    case "unchanged":
      report(deps.log, result.plan, "Paved: the GitOps repository already matches; nothing to commit");
      return withheldFailure(result.withheld);
    case "refused":
      // A re-run of an old run, or a late one: the newer commit already applied stays. Nothing is wrong.
      report(deps.log, result.plan, `Paved: not applied: ${result.reason}`);
      return {};
    case "committed":
      report(deps.log, result.plan, `Paved: committed ${result.sha} to the GitOps repository (${result.plan.changes.length} file change(s))`);
      return withheldFailure(result.withheld);
  }
}

/** Environments the push changes but did not write for lack of approval fail the step (the check says who may approve). */
function withheldFailure(withheld: string[] | undefined): ActionResult {
  return withheld && withheld.length > 0
    ? { failed: `Paved: not written to ${withheld.join(", ")}: the change needs an approving review of a pull request into the default branch (see the Paved check)` }
    : {};
}

// ── Shared ──────────────────────────────────────────────────────────────────────────────────────

function gitopsClient(inputs: ActionInputs, deps: ActionDeps): { gitops?: GitHub } {
  return inputs.gitopsToken ? { gitops: deps.client(inputs.gitopsToken) } : {};
}

async function readEvent(path: string): Promise<any> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new ActionError(`cannot read the event payload GITHUB_EVENT_PATH=${path}: ${(error as Error).message}`);
  }
}

/** Annotations as workflow commands, a summary line, and the outputs. */
function report(log: ActionLog, plan: Plan, line: string): void {
  if (plan.diagnostics.length > 0) log.write(formatGithub(plan.diagnostics));
  log.info(line);
  setOutputs(log, plan);
}

function setOutputs(log: ActionLog, plan: Plan | null): void {
  log.setOutput("plan-id", plan?.id ?? "");
  log.setOutput("valid", String(plan?.valid ?? true));
  log.setOutput("changes", String(plan?.changes.length ?? 0));
}

function invalid(plan: Plan, settings: OrgSettings, what: string): string {
  const errors = plan.diagnostics.filter((d: Diagnostic) => d.severity === "error");
  const files = [...new Set(errors.map((d) => d.file))].join(", ");
  const where = settings.ok ? files : `the org config ${settings.location}`;
  return `Paved: ${what} has ${errors.length} error${errors.length === 1 ? "" : "s"} in ${where || "the manifest"} (see the annotations and the Paved check)`;
}

/** The flows log like Probot (pino: an object, then a message); the Action prints one line. */
function flowLog(log: ActionLog): Pick<Log, "info" | "warn" | "error"> {
  const line = (fields: Record<string, unknown>, message: string) => {
    const details = Object.entries(fields)
      .map(([key, value]) => `${key}=${value instanceof Error ? value.message : JSON.stringify(value)}`)
      .join(" ");
    return `paved: ${message}${details ? ` (${details})` : ""}`;
  };
  return {
    info: (fields, message) => log.info(line(fields, message)),
    warn: (fields, message) => log.warning(line(fields, message)),
    // The failure itself becomes the step's message; the log keeps the details.
    error: (fields, message) => log.info(line(fields, message)),
  };
}

function failureMessage(error: unknown, inputs: ActionInputs | undefined): string {
  if (error instanceof ActionError) return `Paved: ${error.message}`;
  if (error instanceof GitOpsUnreachableError) {
    const which = inputs?.gitopsToken
      ? "the `gitops-token` input must be a token that can read and write it (contents: write)"
      : "`gitops-token` is empty, so the `github-token` was used, and it only reaches this repository: pass a token that can write the GitOps repository as `gitops-token`";
    return `Paved: ${error.message.replace(/ or Paved is not installed on it.*$/, " or the token cannot reach it")}; ${which}`;
  }
  const status = httpStatus(error);
  const request = (error as { request?: { method?: string; url?: string } }).request;
  const call = request?.method && request.url ? ` (${request.method} ${request.url})` : "";
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401) return `Paved: GitHub refused the token${call}: ${message}`;
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return `Paved: the token lacks a permission${call}: give the job \`permissions: { checks: write, pull-requests: write, contents: read, deployments: write }\` (pull requests from forks need \`pull_request_target\`)`;
  }
  return `Paved: ${message}${call}`;
}

/** The event's `repository.id`: ownership in the GitOps repository follows it across renames, as in the App. */
function repositoryId(event: any): { repositoryId?: number } {
  const id = event.repository?.id;
  return typeof id === "number" ? { repositoryId: id } : {};
}
