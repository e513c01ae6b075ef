import type { Log } from "../core/log.js";
import { hasErrors } from "../core/diagnostic.js";
import { deploymentsBlock, withDeploymentsBlock } from "../report/environment-line.js";
import type { Source } from "../core/files.js";
import { GitHubWriter } from "../gitops/github.js";
import { deploy } from "./deploy.js";
import type { ApplyOutcome, RetryOptions } from "./apply.js";
import { computeInProcess, withDiagnostics, type ComputeDesired } from "./pipeline.js";
import { ownerDiagnostics } from "../github/owner-check.js";
import { unplannable } from "../plan/plan.js";
import type { Plan } from "../plan/types.js";
import { checkRunOutput } from "../report/check-run-output.js";
import type { ReportContext } from "../report/report-context.js";
import { linkKey, unitLinks } from "../report/links.js";
import { markdownComment, PLAN_MARKER } from "../report/markdown.js";
import { failCheck, finishCheck, startCheck } from "../github/paved-check.js";
import { fullName, parseRepo, sourceOf, type GitHub, type Repo } from "../github/client.js";
import { deploymentRecords, queuedStatuses, recordDeployments } from "../github/deployments.js";
import { directPlanner, gatedEnvironments, proposeGated } from "./environment-gate.js";
import { findMergedPullRequest } from "../github/find-pull-request.js";
import { approvalGate } from "./approval-gate.js";
import { indexPath } from "../plan/paths.js";
import { readOrgSettings, type OrgSettings } from "../github/org-settings.js";
import { pushChangesManifest, pushesDefaultBranch, type PushFacts } from "../github/push-trigger.js";
import { readFileAt } from "../github/read-file.js";
import { deployedContext, reportContext, webRoot } from "../github/web-links.js";
import { upsertStickyComment, type CommentAuthor } from "../github/sticky-comment.js";
import { DEFAULT_MANIFEST_PATH } from "../settings/paths.js";

export interface PushTarget extends PushFacts {
  repo: Repo;
  /** GitHub's `repository.id`: ownership in the GitOps repository follows it across renames. */
  repositoryId?: number;
  deliveryId: string;
  log: Pick<Log, "info" | "warn" | "error">;
  htmlUrl?: string;
  retry?: RetryOptions;
  /** Planning that concludes within this writes its check once, completed (the shells pass `PAVED_QUICK_CHECK_MS`); 2 s when absent. */
  quickCheckMs?: number;
  /** Org settings already loaded (the Action reads them from its workspace); else read from `<org>/.github`. */
  settings?: OrgSettings;
  /** The client for the GitOps repository (the Action's `gitops-token`); `gh` when absent. */
  gitops?: GitHub;
  /** Where the plan is computed (the App: a worker thread with the job's deadline); in this thread when absent. */
  computeDesired?: ComputeDesired;
  /** Who Paved writes comments as: only that author's plan comment is ever edited. */
  author: CommentAuthor;
}

/** `withheld`: environments this push changes that were not written for lack of approval. */
export type PushResult = { status: "skipped"; reason: string } | (ApplyOutcome & { withheld?: string[] });

/**
 * Merging is the deployment: the manifest at the pushed commit is planned against the GitOps branch
 * as it is now and committed atomically (re-planned and retried if another writer got there first).
 * The `Paved` check on the pushed commit says what happened; deployments and the PR comment say where.
 */
export async function applyPush(gh: GitHub, target: PushTarget): Promise<PushResult> {
  const { repo } = target;
  if (!pushesDefaultBranch(target)) return { status: "skipped", reason: "not the default branch" };
  const settings = target.settings ?? (await readOrgSettings(gh, repo.owner));
  const manifestPath = settings.ok ? settings.config.manifest : DEFAULT_MANIFEST_PATH;
  if (!(await pushChangesManifest(gh, repo, target, manifestPath))) return { status: "skipped", reason: "manifest unchanged" };
  if (settings.ok && !settings.config.gitops.repository) {
    target.log.warn({ config: settings.location }, "no gitops.repository configured: nothing to apply");
    return { status: "skipped", reason: "no GitOps repository configured" };
  }

  const check = await startCheck(gh, repo, target.after, target.deliveryId, { quickCheckMs: target.quickCheckMs });
  if (check.done) return { status: "skipped", reason: "already handled this delivery" };
  const ctx = reportContext(repo, { ...sourceOf(repo, target.repositoryId), sha: target.after }, manifestPath, target.htmlUrl);
  /** Set once the GitOps commit is in: a later failure must not claim nothing was applied. */
  let landed: string | undefined;
  try {
    if (!settings.ok) {
      const plan = unplannable(settings.diagnostics);
      await finishCheck(gh, repo, check.id, checkRunOutput(plan, ctx));
      return { status: "invalid", plan, attempts: 0 };
    }
    const { config } = settings;
    const [manifest, merged] = await Promise.all([
      readFileAt(gh, repo, manifestPath, target.after),
      findMergedPullRequest(gh, repo, target.after, target.defaultBranch),
    ]);
    const pullRequest = merged?.number ?? null;
    const source: Source = { ...ctx.source, ...(pullRequest !== null ? { pullRequest } : {}) };
    ctx.source = source;
    const rendered = await (target.computeDesired ?? computeInProcess)({ manifestText: manifest, file: manifestPath, config, source, templates: settings.templates, options: settings.renderOptions });
    const valid = !hasErrors(rendered.check.diagnostics) && !hasErrors(rendered.rendered.diagnostics);
    const desired = valid ? withDiagnostics(rendered, await ownerDiagnostics(gh, repo, rendered, manifestPath)) : rendered;
    if (hasErrors(desired.check.diagnostics) || hasErrors(desired.rendered.diagnostics)) {
      // An invalid manifest on the default branch is never applied: the check on that commit says why.
      const plan = unplannable([...desired.check.diagnostics, ...desired.rendered.diagnostics]);
      await finishCheck(gh, repo, check.id, checkRunOutput(plan, ctx));
      return { status: "invalid", plan, attempts: 0 };
    }
    const gitops = parseRepo(config.gitops.repository!);
    const gitopsClient = target.gitops ?? gh;
    const writer = new GitHubWriter(gitopsClient, gitops, config.gitops.branch);
    const gate = await approvalGate(gh, {
      repo,
      after: target.after,
      defaultBranch: target.defaultBranch,
      config,
      templates: settings.templates,
      renderOptions: settings.renderOptions,
      manifestPath,
      manifest,
      desired,
      source,
      pull: merged,
    });
    // Environments behind a GitOps pull request are proposed there; those lacking approval are not written at all.
    const gated = new Set([...gatedEnvironments(config)].filter((e) => !gate.withheld.has(e)));
    // Each environment at the commit its promotion policy and holds give it (promotion.ts), the
    // index re-read in every attempt; an environment withheld for lack of approval keeps its commit.
    let lastFull: () => Plan | undefined = () => undefined;
    const deployed = await deploy({
      writer,
      config,
      templates: settings.templates,
      ...(settings.renderOptions ? { renderOptions: settings.renderOptions } : {}),
      manifestPath,
      source,
      readManifest: (commit) => readFileAt(gh, repo, manifestPath, commit),
      request: (present) => ({ kind: "merge", head: target.after, present, withheld: [...gate.withheld] }),
      seed: new Map([[target.after, desired]]),
      recordCommit: target.after,
      wrap: (planner) => {
        const direct = directPlanner(planner, new Set([...gated, ...gate.withheld]), indexPath(config, source));
        lastFull = direct.lastFull;
        return direct.planner;
      },
      retry: { ...target.retry, admit: (plan) => admitPush(gh, repo, target, plan) },
    });
    const outcome: ApplyOutcome =
      deployed.status === "noop"
        ? { status: "conflict", plan: lastFull() ?? unplannable([]), attempts: deployed.attempts }
        : deployed.status === "invalid-commit"
          ? { status: "invalid", plan: unplannable(deployed.diagnostics), attempts: deployed.attempts }
          : "plan" in deployed
            ? deployed
            : { status: "conflict", plan: lastFull() ?? unplannable([]), attempts: deployed.attempts };
    if ("decision" in deployed) {
      ctx.promotion = deployed.decision.targets;
      ctx.deployed = deployedContext(repo, config, deployed.decision.deployed, indexPath(config, source), target.htmlUrl);
    }
    target.log.info({ status: outcome.status, attempts: outcome.attempts, plan: outcome.plan.id }, "applied push");

    if (outcome.status === "refused") {
      await finishCheck(gh, repo, check.id, {
        conclusion: "neutral",
        title: "Not applied: a newer commit is already applied",
        summary: `Nothing was written: ${outcome.reason}. Applying ${target.after} would roll the GitOps repository back. The newer commit's check says what is applied.`,
        annotations: [],
      });
      return outcome;
    }
    if (outcome.status === "conflict") {
      await failCheck(
        gh,
        repo,
        check.id,
        `The GitOps branch ${config.gitops.repository}@${config.gitops.branch} kept moving: ${outcome.attempts} attempts each lost the race to another writer. Nothing was written; re-run this check to try again.`,
      );
      return outcome;
    }
    const full = lastFull();
    if (full && (outcome.status === "committed" || outcome.status === "unchanged")) {
      const proposed = await proposeGated(gitopsClient, gitops, writer, config.gitops.branch, full, gated, source, outcome.tree);
      if (proposed.length > 0) ctx.proposed = proposed;
      // What the gate decided, for the environments this push changes: approved ones, and withheld ones saying who must approve and how.
      const approvals = gate.approvals.filter((a) => full.environments.includes(a.environment));
      if (approvals.length > 0) ctx.approvals = approvals;
      if (approvals.some((a) => a.approvedBy === undefined)) target.log.warn({ withheld: approvals.filter((a) => !a.approvedBy).map((a) => a.environment) }, "environments withheld for lack of approval");
    }
    const withheld = (ctx.approvals ?? []).filter((a) => a.approvedBy === undefined).map((a) => a.environment);
    if (outcome.status !== "committed") {
      await finishCheck(gh, repo, check.id, checkRunOutput(outcome.plan, ctx));
      if ((ctx.proposed || ctx.approvals) && pullRequest !== null) {
        await upsertStickyComment(gh, repo, pullRequest, PLAN_MARKER, markdownComment(outcome.plan, ctx), { author: target.author });
      }
      return { ...outcome, withheld };
    }
    landed = outcome.sha;
    const commitUrl = `${webRoot(repo, target.htmlUrl)}/${fullName(gitops)}/commit/${outcome.sha}`;
    const links: Record<string, Record<string, string>> = {};
    for (const unit of desired.units) links[linkKey(unit)] = unitLinks(config, unit);
    const applied: ReportContext = { ...ctx, applied: { commitUrl, links } };
    await finishCheck(gh, repo, check.id, checkRunOutput(outcome.plan, applied));
    const production = new Set(config.environments.filter((e) => e.production).map((e) => e.name));
    const records = deploymentRecords(outcome.plan, desired.units, config, commitUrl);
    const gitopsCommit = { repository: config.gitops.repository!, commit: outcome.sha, ...(pullRequest !== null ? { pullRequest } : {}) };
    await recordDeployments(gh, repo, target.after, gitopsCommit, records, production);
    if (pullRequest !== null) {
      // The live per-environment line starts as "waiting"; Argo CD's events rewrite it (argocd-feedback.ts).
      const body = withDeploymentsBlock(markdownComment(outcome.plan, applied), deploymentsBlock(queuedStatuses(records)));
      await upsertStickyComment(gh, repo, pullRequest, PLAN_MARKER, body, { author: target.author });
    }
    return { ...outcome, withheld };
  } catch (error) {
    target.log.error({ err: error, landed }, "applying the push failed");
    const message = (error as Error).message;
    await failCheck(
      gh,
      repo,
      check.id,
      landed
        ? `The GitOps commit ${landed} landed, but Paved could not finish reporting it (check, deployments, pull request comment): ${message}. Re-run this check to bring the report up to date.`
        : `Paved could not apply this commit: ${message}. Nothing was half-written (the GitOps commit is atomic); re-run this check to try again.`,
    );
    throw error;
  }
}

/**
 * GitHub does not order deliveries, and a signature covers the body only: a replayed, late or re-run
 * push may carry an old commit. It is applied only when it is still the default branch's head, or a
 * descendant of the source commit the GitOps repository last applied for this source (recorded in
 * the ownership index, read in the same attempt as the plan). Anything else would roll back.
 */
async function admitPush(gh: GitHub, repo: Repo, target: PushTarget, plan: Plan): Promise<string | null> {
  const last = plan.lastApplied;
  // A fast-forward push from the commit last applied descends from it: nothing to ask GitHub.
  if (last !== undefined && target.forced === false && last === target.before) return null;
  const { data: head } = await gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${target.defaultBranch}` });
  if (head.object.sha === target.after) return null;
  if (last !== undefined) {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/compare/{basehead}", { ...repo, basehead: `${last}...${target.after}`, per_page: 1 });
    if (data.status === "ahead" || data.status === "identical") return null;
  }
  return `${target.after.slice(0, 7)} is no longer the head of \`${target.defaultBranch}\` (${head.object.sha.slice(0, 7)} is)${
    last ? ` and does not descend from ${last.slice(0, 7)}, the commit last applied` : ", and no applied commit is recorded to compare it with"
  }`;
}
