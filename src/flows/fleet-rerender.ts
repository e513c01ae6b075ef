import type { Log } from "../core/log.js";
import { applyWithRetry, type RetryOptions } from "./apply.js";
import { fleetFor, proposalsByEnvironment, type FleetPlan } from "../plan/fleet.js";
import { unplannable } from "../plan/plan.js";
import { checkRunOutput } from "../report/check-run-output.js";
import { fleetCheckOutput, fleetCommitMessage, fleetMarkdown, FLEET_MARKER } from "../report/fleet.js";
import { failCheck, finishCheck, startCheck } from "../github/paved-check.js";
import { fullName, NO_RETRY, type GitHub, type Repo } from "../github/client.js";
import { gatedEnvironments } from "./environment-gate.js";
import { prepareFleet, type PreparedFleet } from "./fleet-plan.js";
import { ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "../github/org-config.js";
import { readOrgSettings, type OrgSettings } from "../github/org-settings.js";
import { changedBetween, pushedFiles, touchesOrgSettings } from "../github/org-settings-change.js";
import { pushesDefaultBranch, type PushFacts } from "../github/push-trigger.js";
import { reportContext, webRoot } from "../github/web-links.js";
import { proposeChanges } from "../github/review-branch.js";
import { upsertStickyComment, type CommentAuthor } from "../github/sticky-comment.js";

interface FleetTargetBase {
  /** The organisation; its `.github` repository holds the settings. */
  org: string;
  deliveryId: string;
  log: Pick<Log, "info" | "warn" | "error">;
  htmlUrl?: string;
  /** The client for the GitOps repository; `gh` when absent. */
  gitops?: GitHub;
  retry?: RetryOptions;
  /** Someone asked (Re-run on the check): the check shows it in progress and is rewritten even if unchanged. */
  rerun?: boolean;
  /** Planning that concludes within this writes its check once, completed (the shells pass `PAVED_QUICK_CHECK_MS`); 2 s when absent. */
  quickCheckMs?: number;
  /** The `.github` repository is public: its check and comment say how much changes, not which private sources. */
  public?: boolean;
  /** Who Paved writes comments as: only that author's fleet comment is ever edited. */
  author?: CommentAuthor;
}

export type FleetOutcome = { status: "skipped"; reason: string } | { status: "invalid-config" } | { status: "done"; fleet: FleetPlan; delivered: Array<{ name: string; url: string }> };

/**
 * A push to the default branch of `<org>/.github` that changes the org config or templates
 * re-renders every deployed source under the new settings (each at the commit it was applied from)
 * and proposes the result: one GitOps pull request per environment in promotion order, or one
 * commit when `fleet.mode: commit`. Sources that no longer validate are listed and left as they
 * are. The `Paved` check on the pushed commit carries the per-source, per-environment summary.
 */
export async function rerenderFleet(gh: GitHub, target: FleetTargetBase & PushFacts): Promise<FleetOutcome> {
  const repo = { owner: target.org, repo: ORG_CONFIG_REPO };
  if (!pushesDefaultBranch(target)) return { status: "skipped", reason: "not the default branch" };
  // 1. The settings the default branch holds now: a late delivery of an older push must not re-render
  //    the fleet with the settings it had then (GitHub does not order deliveries).
  const { data: head } = await gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${target.defaultBranch}` });
  const current = head.object.sha;
  const settings = await readOrgSettings(gh, target.org, current);
  const files = await pushedFiles(gh, repo, target);
  if (files !== "all" && !touchesOrgSettings(files, settings.ok ? settings.config : null)) return { status: "skipped", reason: "org settings unchanged" };
  return reportFleet(gh, repo, target.after, target, settings, false, async (prepared) => {
    const config = (settings as Extract<OrgSettings, { ok: true }>).config;
    const configAt = `${fullName(repo)}@${current.slice(0, 7)}`;
    // 2. Deliver: one pull request per environment, or one commit (gated environments keep their pull request).
    if (config.fleet.mode === "pull-requests") {
      return { fleet: prepared.fleet, delivered: await proposeFleet(target.gitops ?? gh, prepared, prepared.fleet, configAt, config.gitops.branch) };
    }
    // An environment gated by review keeps its pull request, and the indexes must keep describing what its
    // files are until it merges: with one, the whole fleet goes by pull requests.
    if (gatedEnvironments(config).size > 0) {
      return { fleet: prepared.fleet, delivered: await proposeFleet(target.gitops ?? gh, prepared, prepared.fleet, configAt, config.gitops.branch) };
    }
    const outcome = await applyWithRetry(prepared.writer, prepared.planner, target.retry);
    if (outcome.status === "conflict") throw new Error(`the GitOps branch kept moving: ${outcome.attempts} attempts each lost the race to another writer; nothing was written`);
    const fleet = prepared.planner.last()!;
    const delivered = outcome.status === "committed" ? [{ name: "commit", url: `${webRoot(repo, target.htmlUrl)}/${fullName(prepared.gitops)}/commit/${outcome.sha}` }] : [];
    return { fleet, delivered };
  }, undefined, current);
}

/**
 * The same fleet plan for a pull request on `<org>/.github` that changes the settings, as its check
 * and one comment, before it merges: the platform team sees the blast radius first. The new settings
 * are read from the pull request's head for this preview only — never to judge an application.
 */
export async function previewFleet(
  gh: GitHub,
  target: FleetTargetBase & { number: number; headSha: string; baseSha: string; fromFork?: boolean },
): Promise<FleetOutcome> {
  const repo = { owner: target.org, repo: ORG_CONFIG_REPO };
  // A fork's settings would run with Paved's read access to every source, for someone who cannot push here.
  if (target.fromFork) return { status: "skipped", reason: "pull request from a fork" };
  const settings = await readOrgSettings(gh, target.org, target.headSha);
  // Settings that do not load have no fleet to show: the `Paved config` check says why, at the lines.
  if (!settings.ok) return { status: "invalid-config" };
  const files = await changedBetween(gh, repo, target.baseSha, target.headSha);
  if (files !== "all" && !touchesOrgSettings(files, settings.config)) return { status: "skipped", reason: "org settings unchanged" };
  return reportFleet(gh, repo, target.headSha, target, settings, true, async (prepared) => ({ fleet: prepared.fleet, delivered: [] }), target.number);
}

/** Check in progress → settings valid? → plan the fleet → deliver → check (and comment) with the summary. */
async function reportFleet(
  gh: GitHub,
  repo: Repo,
  sha: string,
  target: FleetTargetBase,
  settings: OrgSettings,
  preview: boolean,
  deliver: (prepared: PreparedFleet) => Promise<{ fleet: FleetPlan; delivered: Array<{ name: string; url: string }> }>,
  pullRequest?: number,
  /** The commit the settings were read at, when not `sha` (a late delivery reads the current head's). */
  settingsAt?: string,
): Promise<FleetOutcome> {
  const configAt = `${fullName(repo)}@${(settingsAt ?? sha).slice(0, 7)}`;
  const fail = async (error: unknown): Promise<never> => {
    target.log.error({ err: error }, "re-rendering the fleet failed");
    const check = await startCheck(gh, repo, sha, target.deliveryId, { rerun: true, quickCheckMs: target.quickCheckMs });
    await failCheck(gh, repo, check, `Paved could not re-render the fleet: ${(error as Error).message}. Nothing was half-written; re-run this check to try again.`);
    throw error;
  };
  // 1. The fleet under these settings; nothing deployed yet is nothing to show.
  let prepared: PreparedFleet | undefined;
  if (settings.ok && settings.config.gitops.repository) {
    prepared = await prepareFleet(gh, target.gitops ?? gh, settings, configAt).catch(fail);
    if (prepared.fleet.sources.length === 0) return { status: "skipped", reason: "no source deployed yet" };
  }
  // 2. The check, in progress; a redelivery of a handled event stops here.
  const check = await startCheck(gh, repo, sha, target.deliveryId, { rerun: target.rerun ?? false, quickCheckMs: target.quickCheckMs });
  if (check.done) return { status: "skipped", reason: "already handled this delivery" };
  try {
    if (!settings.ok) {
      const output = checkRunOutput(unplannable(settings.diagnostics), reportContext(repo, { repository: fullName(repo), sha }, ORG_CONFIG_PATH, target.htmlUrl));
      await finishCheck(gh, repo, check, { ...output, summary: `The org config does not load, so nothing was re-rendered.\n\n${output.summary}` });
      return { status: "invalid-config" };
    }
    if (!prepared) {
      await finishCheck(gh, repo, check, { conclusion: "neutral", title: "No GitOps repository configured", summary: "`gitops.repository` is not set: there is no fleet to re-render.", annotations: [] });
      return { status: "skipped", reason: "no GitOps repository configured" };
    }
    // 3. Deliver, then report on the check (and the pull request's comment).
    const { fleet, delivered } = await deliver(prepared);
    const ctx = { configAt, preview, delivered, redacted: target.public ?? true };
    await finishCheck(gh, repo, check, fleetCheckOutput(fleet, ctx));
    if (pullRequest !== undefined && target.author) await upsertStickyComment(gh, repo, pullRequest, FLEET_MARKER, fleetMarkdown(fleet, ctx), { author: target.author });
    target.log.info({ sources: fleet.sources.length, changes: fleet.changes.length, delivered: delivered.length }, preview ? "previewed fleet re-render" : "re-rendered fleet");
    return { status: "done", fleet, delivered };
  } catch (error) {
    target.log.error({ err: error }, "re-rendering the fleet failed");
    await failCheck(gh, repo, check, `Paved could not re-render the fleet: ${(error as Error).message}. Nothing was half-written; re-run this check to try again.`);
    throw error;
  }
}

/** `paved/fleet/<environment>`: one branch per environment, rebuilt on the GitOps branch every time. */
export function fleetBranch(name: string): string {
  return `paved/fleet/${name}`;
}

/**
 * One GitOps pull request per environment with changes, opened (or updated in place) in promotion
 * order; a fleet pull request whose environment no longer changes is closed.
 */
async function proposeFleet(
  gitopsClient: GitHub,
  prepared: Pick<PreparedFleet, "writer" | "gitops" | "snapshot">,
  fleet: FleetPlan,
  configAt: string,
  branch: string,
  only?: ReadonlySet<string>,
): Promise<Array<{ name: string; url: string }>> {
  const { snapshot, gitops } = prepared;
  const proposals = proposalsByEnvironment(fleet, only);
  const delivered: Array<{ name: string; url: string }> = [];
  if (proposals.length > 0) {
    const base = { branch, commit: snapshot.treeId, tree: await prepared.writer.inner.treeOf(snapshot.treeId) };
    for (const [i, proposal] of proposals.entries()) {
      const changes = proposal.changes
        .filter((c) => c.action !== "delete" || snapshot.tree.has(c.path))
        .map((c) => ({ path: c.path, content: c.action === "delete" ? null : c.after! }));
      const part = fleetFor(fleet, proposal);
      const after = i > 0 ? `\n\nMerge after the \`${proposals[i - 1]!.name}\` pull request (${delivered[i - 1]!.url}): environments go in promotion order.` : "";
      const title = `paved: re-render ${proposal.name} for ${configAt} (${i + 1}/${proposals.length})`;
      const body = `${fleetMarkdown(part, { configAt, preview: false })}${after}\n`;
      const pr = await proposeChanges(gitopsClient, gitops, base, fleetBranch(proposal.name), changes, fleetCommitMessage(part, configAt, proposal.name), title, body.slice(0, 65_000));
      delivered.push({ name: proposal.name, url: pr.url });
    }
  }
  // A fleet pull request for an environment that no longer changes would deploy an outdated render.
  if (!only) {
    const current = new Set(proposals.map((p) => fleetBranch(p.name)));
    const open = await gitopsClient.paginate("GET /repos/{owner}/{repo}/pulls", { ...gitops, state: "open", per_page: 100 });
    for (const pr of open) {
      if (!pr.head.ref.startsWith("paved/fleet/") || current.has(pr.head.ref) || pr.user?.type !== "Bot") continue;
      await gitopsClient.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { ...gitops, pull_number: pr.number, state: "closed", ...NO_RETRY });
    }
  }
  return delivered;
}
