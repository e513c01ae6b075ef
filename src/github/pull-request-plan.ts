import type { Logger } from "probot";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors } from "../core/diagnostic.js";
import type { Source } from "../core/files.js";
import { GitHubWriter } from "../gitops/github.js";
import { readPlanBlobs } from "../gitops/writer.js";
import { desiredState } from "../plan/pipeline.js";
import { plannerForDesired } from "../plan/planner.js";
import { unplannable } from "../plan/plan.js";
import type { Plan } from "../plan/types.js";
import { checkRunOutput, type CheckRunOutput } from "../report/check-run.js";
import { pendingApprovals } from "../report/context.js";
import { parseYaml } from "../manifest/parse.js";
import { markdownComment, PLAN_MARKER } from "../report/markdown.js";
import { evaluateApprovals, type ApprovalRule } from "./approvals.js";
import { finishCheck, failCheck, startCheck } from "./check-run.js";
import { parseRepo, sourceOf, type GitHub, type Repo } from "./client.js";
import { keyedLock } from "./keyed-lock.js";
import { readOrgSettings, type OrgSettings } from "./org-settings.js";
import { readFileAt } from "./read-file.js";
import { reportContext } from "./report-context.js";
import { upsertStickyComment } from "./sticky-comment.js";

export interface PullRequestTarget {
  repo: Repo;
  number: number;
  /** Manifests are read at these exact commits, never by branch name (fork PRs included). */
  headSha: string;
  baseSha: string;
  /** GitHub's `repository.id` of the base repository: ownership in the GitOps repository follows it across renames. */
  repositoryId?: number;
  /** The webhook delivery id: a redelivery of a completed event changes nothing. */
  deliveryId: string;
  log: Pick<Logger, "info" | "warn" | "error">;
  /** Web URL of the repository, for links (GitHub Enterprise differs from github.com). */
  htmlUrl?: string;
  /** Org settings already loaded (the Action reads them from its workspace); else read from `<org>/.github`. */
  settings?: OrgSettings;
  /** The client for the GitOps repository (the Action's `gitops-token`); `gh` when absent. */
  gitops?: GitHub;
  /** Someone asked for this plan (Re-run, `/paved plan`): the check shows it in progress and is rewritten even if unchanged. */
  rerun?: boolean;
  /** The commit whose reviews count for approvals when it is not `headSha` (a merge group's head is not its pull request's head). */
  reviewedSha?: string;
  /** False when the check is the whole report (a merge group: its pull request keeps its own comment). */
  comment?: boolean;
}

export type PullRequestOutcome =
  /** No manifest at the head or the base, or a redelivery of a handled event: nothing was reported. */
  | { status: "skipped"; reason: string }
  | { status: "planned"; plan: Plan; conclusion: CheckRunOutput["conclusion"]; pendingApprovals: string[] };

/** Diffs beyond this many changed files are listed without content: the plan stays exact, the calls stay bounded. */
export const MAX_BLOBS_FOR_DIFFS = 40;

/**
 * A pull request that touches the manifest gets one `Paved` check on its head commit and one sticky
 * comment: validate, render, plan against the GitOps tree as it is now, and check approvals.
 */
export async function planPullRequest(gh: GitHub, target: PullRequestTarget): Promise<PullRequestOutcome> {
  const { repo } = target;
  const settings = target.settings ?? (await readOrgSettings(gh, repo.owner));
  const manifestPath = settings.ok ? settings.config.manifest : "platform.yaml";
  const [head, base] = await Promise.all([
    readFileAt(gh, repo, manifestPath, target.headSha),
    readFileAt(gh, repo, manifestPath, target.baseSha),
  ]);
  // Not a Paved repository (or not yet): stay quiet.
  if (head === null && base === null) return { status: "skipped", reason: `no ${manifestPath} at the head or the base` };
  // Deliveries for one head commit take turns in this process: the next one finds the check finished
  // and writes only if its result differs (annotations append, so a rewrite would repeat them).
  return planningHead(`${repo.owner}/${repo.repo}@${target.headSha}`.toLowerCase(), () =>
    checkAndReport(gh, target, settings, manifestPath, head, base),
  );
}

const planningHead = keyedLock();

async function checkAndReport(
  gh: GitHub,
  target: PullRequestTarget,
  settings: OrgSettings,
  manifestPath: string,
  head: string | null,
  base: string | null,
): Promise<PullRequestOutcome> {
  const { repo } = target;
  const check = await startCheck(gh, repo, target.headSha, target.deliveryId, { rerun: target.rerun ?? false });
  if (check.done) return { status: "skipped", reason: "already handled this delivery" };
  try {
    const source = { ...sourceOf(repo, target.repositoryId), sha: target.headSha, pullRequest: target.number };
    const ctx = reportContext(repo, source, manifestPath, target.htmlUrl);
    let plan: Plan;
    if (!settings.ok) {
      plan = unplannable(settings.diagnostics);
    } else {
      plan = await planAgainstGitOps(target.gitops ?? gh, settings, head, manifestPath, source);
      const rules = approvalRules(plan, settings.config, ownerOf(base) ?? ownerOf(head));
      const approvals = await evaluateApprovals(gh, repo, target.number, target.reviewedSha ?? target.headSha, rules);
      if (approvals.length > 0) ctx.approvals = approvals;
    }
    const output = checkRunOutput(plan, ctx);
    const prefix = !settings.ok
      ? `The org config ${settings.location} is invalid; fix it there (not in this pull request).\n\n`
      : !settings.config.gitops.repository
        ? `No GitOps repository is configured (\`gitops.repository\` in ${settings.location}): the manifest was validated${settings.configured ? "" : " with the built-in defaults"}, and nothing will be deployed.\n\n`
        : "";
    await finishCheck(gh, repo, check, { ...output, summary: prefix + output.summary });
    // A late or redelivered event for an older head must not replace the plan of the newer one.
    const comment =
      target.comment === false
        ? { action: "none" }
        : await upsertStickyComment(gh, repo, target.number, PLAN_MARKER, markdownComment(plan, ctx), {
            current: () => isOpenAtHead(gh, repo, target.number, target.headSha),
          });
    target.log.info({ plan: plan.id, valid: plan.valid, changes: plan.changes.length, comment: comment.action }, "planned pull request");
    return { status: "planned", plan, conclusion: output.conclusion, pendingApprovals: pendingApprovals(ctx).map((a) => a.environment) };
  } catch (error) {
    target.log.error({ err: error }, "planning the pull request failed");
    await failCheck(gh, repo, check.id, `Paved could not compute the plan: ${(error as Error).message}. Re-run the check to try again.`);
    throw error;
  }
}

async function planAgainstGitOps(
  gh: GitHub,
  settings: Extract<OrgSettings, { ok: true }>,
  manifest: string | null,
  manifestPath: string,
  source: Source,
): Promise<Plan> {
  const { config } = settings;
  const desired = desiredState(manifest, manifestPath, config, source, settings.templates, settings.renderOptions);
  const bound = plannerForDesired(desired, { source, config, manifestText: manifest, manifestFile: manifestPath, fetch: { diffLimit: MAX_BLOBS_FOR_DIFFS } });
  if (!config.gitops.repository) {
    // Nothing to render for and compare with: the check is the validation alone.
    const diagnostics = desired.check.diagnostics;
    return { ...unplannable(diagnostics), valid: !hasErrors(diagnostics) };
  }
  const writer = new GitHubWriter(gh, parseRepo(config.gitops.repository), config.gitops.branch);
  const snapshot = await writer.readTree();
  const blobs = await readPlanBlobs(writer, bound, snapshot);
  return bound.plan(snapshot, blobs);
}

/** Whether the pull request is still open with this head commit (a plan comment for any other is outdated). */
async function isOpenAtHead(gh: GitHub, repo: Repo, number: number, headSha: string): Promise<boolean> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...repo, pull_number: number });
  return data.state === "open" && data.head.sha === headSha;
}

/** The owner team a manifest's text declares, read with the manifest parser and nothing else trusted from it. */
function ownerOf(text: string | null): string | undefined {
  if (text === null) return undefined;
  const { value } = parseYaml(text, "platform.yaml");
  const owner = value !== null && typeof value === "object" && Object.hasOwn(value, "owner") ? (value as { owner: unknown }).owner : undefined;
  return typeof owner === "string" && /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(owner) ? owner : undefined;
}

/**
 * Environments with changes whose config asks for approval. The owner team is taken from the base
 * branch's manifest when there is one: a pull request cannot name its own approvers by changing `owner`.
 */
function approvalRules(plan: Plan, config: ResolvedConfig, owner: string | undefined): ApprovalRule[] {
  if (!plan.valid) return [];
  return config.environments
    .filter((env) => env.approval && plan.environments.includes(env.name))
    .map((env) => ({
      environment: env.name,
      teams: [...new Set([...(env.approval!.owners && owner ? [owner] : []), ...env.approval!.teams])],
    }));
}
