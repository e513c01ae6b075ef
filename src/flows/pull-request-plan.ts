import type { Log } from "../core/log.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { Source } from "../core/files.js";
import { GitHubWriter } from "../gitops/github.js";
import { readPlanBlobs } from "./apply.js";
import { computeInProcess, withDiagnostics, type ComputeDesired } from "./pipeline.js";
import type { DesiredState, Plan } from "../plan/types.js";
import { ownerDiagnostics } from "../github/owner-check.js";
import { plannerForDesired } from "./planner.js";
import { unplannable } from "../plan/plan.js";
import { verifiedBlobs } from "../plan/verified-blobs.js";
import { checkRunOutput, type CheckRunOutput } from "../report/check-run-output.js";
import { pendingApprovals, type ReportContext } from "../report/report-context.js";
import { markdownComment, PLAN_MARKER } from "../report/markdown.js";
import { approvalRules, approvingOwner, evaluateApprovals } from "../github/approvals.js";
import { finishCheck, failCheck, startCheck } from "../github/paved-check.js";
import { parseRepo, sourceOf, type GitHub, type Repo } from "../github/client.js";
import { headOf, isOpenAtHead } from "../github/find-pull-request.js";
import { keyedLock } from "../github/keyed-lock.js";
import { readOrgSettings, type OrgSettings } from "../github/org-settings.js";
import { readFileAt } from "../github/read-file.js";
import { reportContext } from "../github/web-links.js";
import { upsertStickyComment, type CommentAuthor } from "../github/sticky-comment.js";
import { DEFAULT_MANIFEST_PATH } from "../settings/paths.js";

export interface PullRequestTarget {
  repo: Repo;
  number: number;
  /** Manifests are read at these exact commits, never by branch name (fork PRs included). */
  headSha: string;
  baseSha: string;
  /** The head branch and its repository (a fork's differs): who pushed the head is asked there. */
  head?: { repo: Repo; ref: string };
  /** The branch it merges into, and the repository's default branch: only a pull request into the default branch can be approved. */
  baseRef?: string;
  defaultBranch?: string;
  /** Who Paved writes comments as: only that author's plan comment is ever edited. */
  author: CommentAuthor;
  /** GitHub's `repository.id` of the base repository: ownership in the GitOps repository follows it across renames. */
  repositoryId?: number;
  /** The webhook delivery id: a redelivery of a completed event changes nothing. */
  deliveryId: string;
  log: Pick<Log, "info" | "warn" | "error">;
  /** Web URL of the repository, for links (GitHub Enterprise differs from github.com). */
  htmlUrl?: string;
  /** Org settings already loaded (the Action reads them from its workspace); else read from `<org>/.github`. */
  settings?: OrgSettings;
  /** The client for the GitOps repository (the Action's `gitops-token`); `gh` when absent. */
  gitops?: GitHub;
  /** Someone asked for this plan (Re-run, `/paved plan`): the check shows it in progress and is rewritten even if unchanged. */
  rerun?: boolean;
  /** Planning that concludes within this writes its check once, completed (the shells pass `PAVED_QUICK_CHECK_MS`); 2 s when absent. */
  quickCheckMs?: number;
  /** Where the plan is computed (the App: a worker thread with the job's deadline); in this thread when absent. */
  computeDesired?: ComputeDesired;
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
 * comment: validate, render, plan what merging it would produce (GitHub's test merge commit) against
 * the GitOps tree as it is now, and check approvals. A head commit shared by several pull requests has
 * one check: it shows the strictest of their verdicts, so one pull request's approval never turns
 * another's check green.
 */
export async function planPullRequest(gh: GitHub, target: PullRequestTarget): Promise<PullRequestOutcome> {
  const { repo } = target;
  const settings = target.settings ?? (await readOrgSettings(gh, repo.owner));
  const manifestPath = settings.ok ? settings.config.manifest : DEFAULT_MANIFEST_PATH;
  const [head, base, pulls] = await Promise.all([
    readFileAt(gh, repo, manifestPath, target.headSha),
    readFileAt(gh, repo, manifestPath, target.baseSha),
    pullsWithHead(gh, target),
  ]);
  // Not a Paved repository (or not yet): stay quiet.
  if (head === null && base === null) return { status: "skipped", reason: `no ${manifestPath} at the head or the base` };
  // Deliveries for one head commit take turns in this process: the next one finds the check finished
  // and writes only if its result differs (annotations append, so a rewrite would repeat them).
  return planningHead(`${repo.owner}/${repo.repo}@${target.headSha}`.toLowerCase(), () =>
    checkAndReport(gh, target, settings, manifestPath, head, base, pulls),
  );
}

const planningHead = keyedLock();

/** What planning one pull request needs to know about it. */
interface PullFacts {
  number: number;
  baseSha: string;
  baseRef: string | undefined;
  /** The test merge commit, when GitHub has one (null: conflicts, or not computed yet). */
  mergeSha: string | null;
}

interface PullSummary {
  number: number;
  state: string;
  head: { sha: string };
  base: { sha: string; ref: string };
  merge_commit_sha: string | null;
}

/** The target first, then the other open pull requests whose head is the same commit. */
async function pullsWithHead(gh: GitHub, target: PullRequestTarget): Promise<PullFacts[]> {
  const listed = (await gh.paginate("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...target.repo, commit_sha: target.headSha, per_page: 100 })) as PullSummary[];
  const open = listed.filter((p) => p.state === "open" && p.head.sha === target.headSha);
  const facts = (p: PullSummary): PullFacts => ({ number: p.number, baseSha: p.base.sha, baseRef: p.base.ref, mergeSha: p.merge_commit_sha });
  const own = open.find((p) => p.number === target.number);
  return [
    own ? { ...facts(own), baseSha: target.baseSha, baseRef: target.baseRef ?? own.base.ref } : { number: target.number, baseSha: target.baseSha, baseRef: target.baseRef, mergeSha: null },
    ...open.filter((p) => p.number !== target.number).map(facts),
  ];
}

interface Judgement {
  pull: PullFacts;
  plan: Plan;
  ctx: ReportContext;
  output: CheckRunOutput;
}

async function checkAndReport(
  gh: GitHub,
  target: PullRequestTarget,
  settings: OrgSettings,
  manifestPath: string,
  head: string | null,
  base: string | null,
  pulls: PullFacts[],
): Promise<PullRequestOutcome> {
  const { repo } = target;
  const check = await startCheck(gh, repo, target.headSha, target.deliveryId, { rerun: target.rerun ?? false, quickCheckMs: target.quickCheckMs });
  if (check.done) return { status: "skipped", reason: "already handled this delivery" };
  try {
    const judge = (pull: PullFacts, baseText: string | null) => judgePull(gh, target, settings, manifestPath, head, baseText, pull);
    const own = await judge(pulls[0]!, base);
    const others: Judgement[] = [];
    for (const pull of pulls.slice(1)) others.push(await judge(pull, await readFileAt(gh, repo, manifestPath, pull.baseSha)));
    // 3. One check for a shared head: the strictest verdict of its pull requests.
    const shown = [own, ...others].reduce((worst, j) => (strictness(j.output) > strictness(worst.output) ? j : worst));
    const shared = shown === own ? "" : `This commit is also the head of #${shown.pull.number} (into \`${shown.pull.baseRef ?? "?"}\`); one check serves both, so it shows the stricter verdict, #${shown.pull.number}'s.\n\n`;
    const prefix = !settings.ok
      ? `The org config ${settings.location} is invalid; fix it there (not in this pull request).\n\n`
      : !settings.config.gitops.repository
        ? `No GitOps repository is configured (\`gitops.repository\` in ${settings.location}): the manifest was validated${settings.configured ? "" : " with the built-in defaults"}, and nothing will be deployed.\n\n`
        : "";
    await finishCheck(gh, repo, check, { ...shown.output, summary: prefix + shared + shown.output.summary });
    // A late or redelivered event for an older head must not replace the plan of the newer one.
    const comment =
      target.comment === false
        ? { action: "none" }
        : await upsertStickyComment(gh, repo, target.number, PLAN_MARKER, markdownComment(own.plan, own.ctx), {
            current: () => isOpenAtHead(gh, repo, target.number, target.headSha),
            author: target.author,
          });
    target.log.info({ plan: own.plan.id, valid: own.plan.valid, changes: own.plan.changes.length, comment: comment.action }, "planned pull request");
    return { status: "planned", plan: own.plan, conclusion: shown.output.conclusion, pendingApprovals: pendingApprovals(shown.ctx).map((a) => a.environment) };
  } catch (error) {
    target.log.error({ err: error }, "planning the pull request failed");
    await failCheck(gh, repo, check.id, `Paved could not compute the plan: ${(error as Error).message}. Re-run the check to try again.`);
    throw error;
  }
}

/** failure (invalid or waiting for approval) > neutral (warnings) > success. */
function strictness(output: CheckRunOutput): number {
  return output.conclusion === "failure" ? 2 : output.conclusion === "neutral" ? 1 : 0;
}

/** One pull request's plan and approvals, as its check would show them. */
async function judgePull(
  gh: GitHub,
  target: PullRequestTarget,
  settings: OrgSettings,
  manifestPath: string,
  head: string | null,
  base: string | null,
  pull: PullFacts,
): Promise<Judgement> {
  const { repo } = target;
  const source = { ...sourceOf(repo, target.repositoryId), sha: target.headSha, pullRequest: pull.number };
  const ctx = reportContext(repo, source, manifestPath, target.htmlUrl);
  if (!settings.ok) {
    const plan = unplannable(settings.diagnostics);
    return { pull, plan, ctx, output: checkRunOutput(plan, ctx) };
  }
  const { config } = settings;
  // 2. What merging would produce. The head's own errors are reported on the head's lines; a head that
  // is valid on its own is planned merged with the base as it is now (GitHub's test merge commit).
  let planned = { text: head, file: manifestPath };
  const computeDesired = target.computeDesired ?? computeInProcess;
  const headDesired = await computeDesired({ manifestText: head, file: manifestPath, config, source, templates: settings.templates, options: settings.renderOptions, configDocument: settings.configDocument });
  if (pull.mergeSha && !hasErrors(headDesired.check.diagnostics)) {
    const merged = await readFileAt(gh, repo, manifestPath, pull.mergeSha);
    if (merged !== head) planned = { text: merged, file: `${manifestPath} (merged with ${pull.baseRef ?? "the base"})` };
  }
  const plan = await planAgainstGitOps(target.gitops ?? gh, settings, planned.text, planned.file, source, computeDesired, (desired) =>
    ownerDiagnostics(gh, repo, desired, planned.file),
    { text: base, sha: pull.baseSha },
  );
  const rules = plan.valid ? approvalRules(plan.environments, config, approvingOwner(base, head)) : [];
  const defaultBranch = target.defaultBranch;
  const refused =
    defaultBranch !== undefined && pull.baseRef === defaultBranch
      ? undefined
      : `#${pull.number} merges into \`${pull.baseRef ?? "an unknown branch"}\`, not the default branch${defaultBranch ? ` \`${defaultBranch}\`` : ""}: only a pull request into the default branch can be approved for a deployment`;
  const approvals = await evaluateApprovals(gh, { repo, number: pull.number, headSha: target.reviewedSha ?? target.headSha, head: target.head ?? { repo, ref: "" }, ...(refused ? { refused } : {}) }, rules);
  if (approvals.length > 0) ctx.approvals = approvals;
  return { pull, plan, ctx, output: checkRunOutput(plan, ctx) };
}

async function planAgainstGitOps(
  gh: GitHub,
  settings: Extract<OrgSettings, { ok: true }>,
  manifest: string | null,
  manifestPath: string,
  source: Source,
  computeDesired: ComputeDesired,
  verify: (desired: DesiredState) => Promise<Diagnostic[]>,
  base: { text: string | null; sha: string },
): Promise<Plan> {
  const { config } = settings;
  const rendered = await computeDesired({ manifestText: manifest, file: manifestPath, config, source, templates: settings.templates, options: settings.renderOptions, configDocument: settings.configDocument });
  const desired = hasErrors(rendered.check.diagnostics) || hasErrors(rendered.rendered.diagnostics) ? rendered : withDiagnostics(rendered, await verify(rendered));
  const bound = plannerForDesired(desired, { source, config, manifestText: manifest, manifestFile: manifestPath, fetch: { diffLimit: MAX_BLOBS_FOR_DIFFS } });
  if (!config.gitops.repository) {
    // Nothing to render for and compare with: the check is the validation alone.
    const diagnostics = desired.check.diagnostics;
    return { ...unplannable(diagnostics), valid: !hasErrors(diagnostics) };
  }
  const writer = new GitHubWriter(gh, parseRepo(config.gitops.repository), config.gitops.branch);
  const snapshot = await writer.readTree();
  // The base as the GitOps tree should hold it, rendered here: every file whose sha matches is
  // content we need not fetch, for the diffs and the ownership index alike (flat in services and files).
  const { pullRequest: _, ...repository } = source;
  const baseDesired =
    base.text === null
      ? null
      : await computeDesired({ manifestText: base.text, file: manifestPath, config, source: { ...repository, sha: base.sha }, templates: settings.templates, options: settings.renderOptions, configDocument: settings.configDocument });
  const blobs = await readPlanBlobs(writer, bound, snapshot, baseDesired ? verifiedBlobs(baseDesired, snapshot.tree) : new Map());
  return bound.plan(snapshot, blobs);
}

interface OpenPull {
  number: number;
  head: { sha: string; ref: string; repo?: { full_name: string } | null };
  base: { sha: string; ref: string };
}

/**
 * The branch moved: every open pull request into it merges into something new, so each is planned
 * again (its test merge changed). One at a time; a failure on one is logged and the rest go on.
 */
export async function replanPullRequestsInto(
  gh: GitHub,
  branch: string,
  common: Omit<PullRequestTarget, "number" | "headSha" | "baseSha" | "head" | "baseRef" | "rerun">,
): Promise<number> {
  const { repo } = common;
  const open = (await gh.paginate("GET /repos/{owner}/{repo}/pulls", { ...repo, state: "open", base: branch, per_page: 100 })) as OpenPull[];
  for (const pr of open) {
    await planPullRequest(gh, {
      ...common,
      number: pr.number,
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      baseRef: pr.base.ref,
      head: headOf(pr, repo),
      deliveryId: `${common.deliveryId}/#${pr.number}`,
    }).catch((error: unknown) => common.log.warn({ err: error, pullRequest: pr.number }, "re-planning an open pull request after its base moved failed"));
  }
  return open.length;
}
