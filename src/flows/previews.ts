/**
 * Previews over GitHub: a pull request event or `/paved preview` → one compare-and-swap commit to
 * the GitOps repository (this preview written or removed, and every expired preview swept), then a
 * transient Deployment and the preview's sticky comment. Every decision reads the GitOps tree.
 */
import type { Log } from "../core/log.js";
import type { ResolvedConfig } from "../config/types.js";
import { PREVIEW_ENVIRONMENT, previewDeploymentEnvironment } from "../core/preview-names.js";
import { argoApplicationUrl } from "../feedback/argocd-links.js";
import { previewTrailers } from "../feedback/trailers.js";
import type { DeploymentPayload } from "../github/deployments.js";
import { deploymentsBlock, type EnvironmentStatus } from "../report/environment-line.js";
import { GitHubWriter } from "../gitops/github.js";
import type { PreviewEdit } from "../previews/changes.js";
import { commitPreviews } from "./preview-commit.js";
import { isExpired, previewDir, recordPath, type PreviewRecord } from "../previews/record.js";
import type { TreeSnapshot } from "../plan/types.js";
import { renderPreview, withKeep, type PreviewRender, type PreviewUnit } from "../previews/render.js";
import { NO_RETRY, fullName, parseRepo, type GitHub, type Repo } from "../github/client.js";
import { readOrgSettings, type OrgSettings } from "../github/org-settings.js";
import { codeSpan, markdownMessage } from "../report/escape.js";
import { PREVIEW_MARKER } from "../report/markdown.js";
import { pullRequestNow, type PullRequestNow } from "../github/find-pull-request.js";
import { MAX_DESCRIPTION } from "../feedback/status-text.js";
import { readFileAt } from "../github/read-file.js";
import { upsertStickyComment, type CommentAuthor } from "../github/sticky-comment.js";
import { webRoot } from "../github/web-links.js";


export type PreviewTrigger =
  /**
   * The preview label was added or the PR opened with it (`asked: "label"`: only while GitHub still
   * shows the label), or `/paved preview [<sha>]` by a writer. `pinned`: the fork commit the writer named.
   */
  | { kind: "request"; asked: "label" | "command"; pinned?: string }
  | { kind: "push" }
  /** `cause: "label"`: the preview label was removed, so the preview stays if GitHub shows it on the open PR again. */
  | { kind: "remove"; cause: "label" | "close"; reason: string }
  /** The keep label was added or removed: the record takes the labels GitHub shows now. */
  | { kind: "keep" }
  /** Only sweep expired previews. */
  | { kind: "sweep" };

export interface PreviewTarget {
  repo: Repo;
  repositoryId: number;
  number: number;
  headSha: string;
  /** The head is in another repository: only a writer's `/paved preview <sha>` renders it, pinned to the commit they named. */
  fork: boolean;
  labels: string[];
  trigger: PreviewTrigger;
  now: Date;
  log: Pick<Log, "info" | "warn" | "error">;
  /** Who Paved comments as: only that author's preview comment is ever edited. */
  author: CommentAuthor;
  settings?: OrgSettings;
  /** The source repository's web URL (`repository.html_url`): links go to its host (GitHub Enterprise differs). */
  htmlUrl?: string;
}

export type PreviewOutcome =
  | { status: "skipped"; reason: string }
  | { status: "refused"; reason: string }
  /** A late delivery: the pull request is closed, has moved on from this job's head, or its labels no longer ask for this. Nothing was written. */
  | { status: "superseded" }
  | { status: "written"; record: PreviewRecord; swept: PreviewRecord[] }
  | { status: "removed"; swept: PreviewRecord[] }
  | { status: "unchanged"; swept: PreviewRecord[] };

export async function previewPullRequest(gh: GitHub, target: PreviewTarget): Promise<PreviewOutcome> {
  const settings = target.settings ?? (await readOrgSettings(gh, target.repo.owner));
  if (!settings.ok || !settings.config.previews || !settings.config.gitops.repository) return { status: "skipped", reason: "no previews configured" };
  const { config } = settings;
  const previews = config.previews!;
  const { trigger } = target;

  // The render happens once, outside the commit loop: it depends on the PR, not on the tree.
  let rendered: PreviewRender | undefined;
  const render = async (pinned?: string) => {
    const manifestText = await readFileAt(gh, target.repo, config.manifest, target.headSha);
    if (manifestText === null) return { ok: false as const, reason: `there is no ${config.manifest} at ${target.headSha.slice(0, 7)}`, diagnostics: [] };
    return renderPreview({
      manifestText,
      manifestFile: config.manifest,
      config,
      source: { repository: fullName(target.repo), id: String(target.repositoryId), sha: target.headSha, pullRequest: target.number },
      number: target.number,
      templates: settings.templates,
      options: settings.renderOptions,
      now: target.now,
      // The payload's labels; the record written carries the keep label GitHub shows then (withKeep).
      keep: target.labels.includes(previews.keepLabel),
      ...(pinned ? { pinned } : {}),
    });
  };
  if (trigger.kind === "request") {
    if (target.fork && trigger.pinned !== target.headSha) {
      return refuse(gh, target, previews.label, `this pull request comes from a fork: a preview runs its code, so someone with write access must review the head commit and comment \`/paved preview <sha>\` with its whole sha (the preview is pinned to it).`);
    }
    rendered = await render(target.fork ? trigger.pinned : undefined);
    if (!rendered.ok) return refuse(gh, target, previews.label, `${rendered.reason}.${rendered.diagnostics.length ? ` The Paved check lists ${rendered.diagnostics.length} problem(s).` : ""}`);
  }
  const writer = new GitHubWriter(gh, parseRepo(config.gitops.repository!), config.gitops.branch);
  // A push that no longer renders keeps the last good preview running; the comment says so, and why.
  let stale: Extract<PreviewRender, { ok: false }> | undefined;
  if ((trigger.kind === "push" || trigger.kind === "keep") && !target.fork) {
    // Rendered only when this pull request has a preview (most pushes do not).
    const suffix = `/${target.repositoryId}-${target.number}/preview.yaml`;
    if ([...(await writer.readTree()).tree.keys()].some((p) => p.endsWith(suffix))) {
      const again = await render();
      if (again.ok) rendered = again;
      else stale = again;
    }
  }

  let refusal: string | undefined;
  let swept: PreviewRecord[] = [];
  let written: PreviewRecord | undefined;
  let units: PreviewUnit[] = [];
  let pinnedPush = false;
  let late: string | undefined;
  const owned = (r: PreviewRecord) => r.repositoryId === String(target.repositoryId) && r.number === target.number;
  const askGitHub = pullRequestGuard(gh, target, config.gitops.directory);
  const result = await commitPreviews(writer, config, async (records, snapshot) => {
    const mine = records.find(owned);
    swept = records.filter((r) => !owned(r) && isExpired(r, target.now, previews.ttlMs));
    const edit: PreviewEdit = { write: [], remove: swept.map((r) => previewDir(config.gitops.directory, r.owner, r.repositoryId, r.number)) };
    refusal = undefined;
    written = undefined;
    units = [];
    if (trigger.kind === "remove" && mine) {
      if (trigger.cause === "label") {
        const pull = await askGitHub(mine, snapshot);
        // A late `unlabeled`: the label was added back since, and that event's preview stands.
        if (pull.open && pull.labels.includes(previews.label)) {
          late = `the \`${previews.label}\` label is on the pull request again`;
          return null;
        }
      }
      edit.remove.push(previewDir(config.gitops.directory, mine.owner, mine.repositoryId, mine.number));
    }
    const next = rendered?.ok ? rendered : undefined;
    if (next && (trigger.kind === "request" || ((trigger.kind === "push" || trigger.kind === "keep") && mine && !mine.pinned))) {
      const others = records.filter((r) => !owned(r) && !swept.includes(r));
      const heldInRepo = others.filter((r) => r.repositoryId === String(target.repositoryId));
      const sameNamespace = others.find((r) => r.namespace === next.record.namespace);
      if (!mine && heldInRepo.length >= previews.maxPerRepository) {
        refusal = `this repository already has ${heldInRepo.length} previews, the most \`previews.maxPerRepository\` allows: ${holders(heldInRepo)}. Close one or remove its \`${previews.label}\` label.`;
      } else if (!mine && others.length >= previews.maxPerOrg) {
        refusal = `the organisation already has ${others.length} previews, the most \`previews.maxPerOrg\` allows: ${holders(others)}.`;
      } else if (sameNamespace) {
        refusal = `namespace \`${sameNamespace.namespace}\` is already the preview of ${sameNamespace.repository}#${sameNamespace.number}; the platform team can make \`previews.namespace\` tell repositories apart.`;
      } else {
        const pull = await askGitHub(mine, snapshot);
        late = lateReason(pull, target, previews.label);
        if (late) return null;
        // Every rendered push restarts the TTL (the record's pushedAt).
        const current = withKeep(next, pull.labels.includes(previews.keepLabel));
        written = current.record;
        units = current.units;
        edit.write.push({ dir: current.dir, files: current.files });
      }
    }
    if (trigger.kind === "push" && mine?.pinned) pinnedPush = true;
    // The keep label changed on a preview that cannot be re-rendered: record it, leave the files.
    if (trigger.kind === "keep" && mine && edit.write.length === 0) {
      const keep = (await askGitHub(mine, snapshot)).labels.includes(previews.keepLabel);
      if (mine.keep !== keep) edit.records = [{ ...mine, keep }];
    }
    if (edit.write.length === 0 && edit.remove.length === 0 && !edit.records) return null;
    return { edit, message: commitMessage(target, trigger, written, swept, units) };
  });
  if (result.status === "conflict") throw new Error("the GitOps branch kept moving; the preview will be retried");
  if (late) {
    target.log.info({ number: target.number, headSha: target.headSha, reason: late }, "preview left as it is: a late delivery");
    return { status: "superseded" };
  }

  for (const record of swept) await deactivate(gh, parseRepo(record.repository), record.number, "its TTL passed without a push").catch(() => undefined);
  if (refusal) return refuse(gh, target, previews.label, refusal);
  if (written) {
    // Nothing committed (the same head again): the deployment of the commit already there stands.
    const line = result.status === "committed" ? await deploy(gh, target, config, written, units, result.sha) : undefined;
    if (line === "moved-on") {
      // A newer head's job writes (or wrote) the deployment and the comment; ours would only cover them.
      target.log.info({ number: target.number, headSha: target.headSha }, "preview committed, but the pull request moved on: its deployment and comment are the newer head's");
      return { status: "superseded" };
    }
    await comment(gh, target, previewBody(written, config, line), { whileAsked: previews.label });
    return { status: "written", record: written, swept };
  }
  if (trigger.kind === "remove" && result.records.some(owned)) {
    await deactivate(gh, target.repo, target.number, trigger.reason);
    await comment(gh, target, `Preview removed: ${trigger.reason}.`);
    return { status: "removed", swept };
  }
  const kept = result.records.find(owned);
  if (stale && kept) {
    await comment(gh, target, staleBody(kept, target.headSha, stale, config), { whileAsked: previews.label });
    return { status: "unchanged", swept };
  }
  if (pinnedPush) {
    const pinned = result.records.find(owned)?.pinned ?? "";
    await comment(gh, target, `The preview stays at ${pinned.slice(0, 7)}: this pull request comes from a fork, and a new push needs someone with write access to review it and comment \`/paved preview <sha>\` again.`);
  }
  return { status: "unchanged", swept };
}

/**
 * The pull request as GitHub has it, for a decision a late delivery must not make: writing a head's
 * preview (still open at that head, still labelled when the label asked), removing it on `unlabeled`
 * (not labelled again), the keep flag. It holds while nobody wrote the pull request's record since
 * GitHub answered: the record's blob (or its absence) is taken from a tree read *before* the
 * question, so a record another job wrote after the answer (a newer head, a later label) has another
 * blob, and then GitHub is asked again with the tree just read. One GET per such decision; another
 * only after such a race.
 */
function pullRequestGuard(gh: GitHub, target: PreviewTarget, directory: string): (mine: PreviewRecord | undefined, snapshot: TreeSnapshot) => Promise<PullRequestNow> {
  let answered: { record: string | undefined; pull: PullRequestNow } | undefined;
  return async (mine, snapshot) => {
    const record = mine ? snapshot.tree.get(recordPath(previewDir(directory, mine.owner, mine.repositoryId, mine.number))) : undefined;
    if (!answered || answered.record !== record) answered = { record, pull: await pullRequestNow(gh, target.repo, target.number) };
    return answered.pull;
  };
}

function holders(records: PreviewRecord[]): string {
  return records.map((r) => `${r.repository}#${r.number}`).join(", ");
}

function commitMessage(target: PreviewTarget, trigger: PreviewTrigger, written: PreviewRecord | undefined, swept: PreviewRecord[], units: PreviewUnit[]): string {
  const what = written ? `Preview ${fullName(target.repo)}#${target.number} at ${target.headSha.slice(0, 7)}` : trigger.kind === "remove" ? `Remove preview ${fullName(target.repo)}#${target.number}` : "Sweep previews";
  const sweptLine = swept.length ? `\n\nExpired (no push within the TTL): ${holders(swept)}` : "";
  // How Argo CD's events about the preview's Applications find its deployment (argocd-feedback.ts).
  const trailers = written ? `\n\n${previewTrailers({ repository: written.repository, sha: written.headSha }, units).join("\n")}` : "";
  return `${what}${sweptLine}${trailers}`;
}

async function refuse(gh: GitHub, target: PreviewTarget, label: string, reason: string): Promise<PreviewOutcome> {
  target.log.info({ number: target.number, reason }, "preview refused");
  await comment(gh, target, `No preview: ${reason}`, { whileAsked: label });
  return { status: "refused", reason };
}

/**
 * `whileAsked` (the preview label): a comment about this job's head, which a late job must not write
 * over a newer head's, nor, for a request the label made, once the label is gone (it writes nothing then).
 */
async function comment(gh: GitHub, target: PreviewTarget, body: string, options: { whileAsked?: string } = {}): Promise<void> {
  const { whileAsked } = options;
  await upsertStickyComment(gh, target.repo, target.number, PREVIEW_MARKER, `${PREVIEW_MARKER}\n### Paved preview\n\n${body}\n`, {
    author: target.author,
    ...(whileAsked !== undefined ? { current: () => stillAsked(gh, target, whileAsked) } : {}),
  });
}

async function stillAsked(gh: GitHub, target: PreviewTarget, label: string): Promise<boolean> {
  return lateReason(await pullRequestNow(gh, target.repo, target.number), target, label) === undefined;
}

/** Why this job's preview is no longer what the pull request asks for; undefined while it still is. */
function lateReason(pull: PullRequestNow, target: PreviewTarget, label: string): string | undefined {
  if (!pull.open || pull.headSha !== target.headSha) return "the pull request is closed or no longer at this head";
  if (target.trigger.kind === "request" && target.trigger.asked === "label" && !pull.labels.includes(label)) return `the \`${label}\` label is no longer on the pull request`;
  return undefined;
}

function previewBody(record: PreviewRecord, config: ResolvedConfig, deployment: EnvironmentStatus | undefined): string {
  const previews = config.previews!;
  return [
    // The live line Argo CD's events rewrite in place (argocd-feedback.ts), as on the merge comment.
    ...(deployment ? [deploymentsBlock([deployment]).trimEnd()] : []),
    `Preview of ${record.headSha.slice(0, 7)}${record.pinned ? " (pinned: a later push needs `/paved preview <sha>` again)" : ""} in namespace \`${record.namespace}\`.`,
    record.url ? `URL: ${record.url}` : "No service has an ingress, so there is no URL.",
    `Removed when this pull request closes, when the \`${previews.label}\` label is removed, or after ${previews.ttl} without a push${record.keep ? " (kept: the keep label is on)" : ` (the \`${previews.keepLabel}\` label keeps it)`}.`,
  ].join("\n\n");
}

const LISTED_PROBLEMS = 10;

function staleBody(record: PreviewRecord, head: string, stale: Extract<PreviewRender, { ok: false }>, config: ResolvedConfig): string {
  const errors = stale.diagnostics.filter((d) => d.severity === "error");
  const listed = errors.slice(0, LISTED_PROBLEMS).map((d) => `- ${codeSpan(`${d.file}:${d.line}:${d.column}`)} ${markdownMessage(d.message)} (${codeSpan(d.code)})`);
  const more = errors.length > LISTED_PROBLEMS ? [`- … and ${errors.length - LISTED_PROBLEMS} more: the Paved check lists them all.`] : [];
  return [
    `**The preview still runs ${record.headSha.slice(0, 7)}**, the last commit that rendered: ${head.slice(0, 7)} is not previewed because ${markdownMessage(stale.reason)}.`,
    ...(listed.length > 0 ? [[...listed, ...more].join("\n")] : []),
    `The next push that renders updates the preview in namespace \`${record.namespace}\`${record.url ? ` (${record.url})` : ""}; it is still removed when this pull request closes, when the \`${config.previews!.label}\` label is removed, or ${config.previews!.ttl} after the last push that rendered.`,
  ].join("\n\n");
}

/**
 * A transient Deployment per preview commit: GitHub shows it on the PR and hides it once inactive.
 * Its payload is what an Argo CD event finds it by, as for environments (deployments.ts); it stays
 * `queued` until Argo CD reports, and supersedes the one before, which goes inactive (a late event
 * about an older push cannot move what the PR shows). Returns the comment's line for it, or "moved-on"
 * when the pull request has left this head meanwhile (its own deployment is then marked inactive).
 */
async function deploy(gh: GitHub, target: PreviewTarget, config: ResolvedConfig, record: PreviewRecord, units: PreviewUnit[], gitopsCommit: string): Promise<EnvironmentStatus | "moved-on" | undefined> {
  const environment = previewDeploymentEnvironment(record.number);
  const payload: DeploymentPayload = {
    gitopsRepository: config.gitops.repository!,
    gitopsCommit,
    pullRequest: record.number,
    autoSync: true,
    applications: units.map((u) => ({ application: u.application, service: u.service, version: u.version })),
  };
  const { data } = await gh.request("POST /repos/{owner}/{repo}/deployments", {
    ...target.repo,
    ref: record.headSha,
    environment,
    transient_environment: true,
    production_environment: false,
    auto_merge: false,
    required_contexts: [],
    description: `Paved preview of #${record.number}`,
    payload: payload as unknown as Record<string, unknown>,
    ...NO_RETRY,
  });
  if (!("id" in data)) return undefined;
  const id = Number(data.id);
  const logUrl = (units[0] && argoApplicationUrl(config, units[0].application)) ?? `${webRoot(target.repo, target.htmlUrl)}/${config.gitops.repository}/commit/${gitopsCommit}`;
  await gh.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
    ...target.repo,
    deployment_id: id,
    // Never `success` before Argo CD says so (argocd-feedback.ts moves it on).
    state: "queued",
    description: "Committed to the GitOps repository; waiting for Argo CD to sync the preview",
    log_url: logUrl,
    ...(record.url ? { environment_url: record.url } : {}),
    auto_inactive: false,
    ...NO_RETRY,
  });
  // Asked once ours exists: a newer head's job that had not yet created its Deployment creates a later
  // one and supersedes ours; one that already had is seen here (the head moved), and ours steps aside.
  if (!(await stillAsked(gh, target, config.previews!.label))) {
    await markInactive(gh, target.repo, id, `Superseded: the pull request moved on from ${record.headSha.slice(0, 7)}`);
    return "moved-on";
  }
  await supersede(gh, target.repo, environment, id, record.headSha).catch((error: unknown) => target.log.warn({ number: record.number, error: String(error) }, "the previous preview deployment was not marked inactive"));
  return { environment: PREVIEW_ENVIRONMENT, state: "queued", description: "", logUrl, autoSync: true };
}

async function markInactive(gh: GitHub, repo: Repo, id: number, description: string): Promise<void> {
  await gh.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", { ...repo, deployment_id: id, state: "inactive", description: description.slice(0, MAX_DESCRIPTION), ...NO_RETRY });
}

/** The deployment before `id` (each one superseded its own predecessor) becomes inactive. */
async function supersede(gh: GitHub, repo: Repo, environment: string, id: number, headSha: string): Promise<void> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/deployments", { ...repo, environment, per_page: 5 });
  const previous = (data as Array<{ id: number }>).filter((d) => d.id < id).sort((a, b) => b.id - a.id)[0];
  if (!previous) return;
  await markInactive(gh, repo, previous.id, `Superseded by the preview of ${headSha.slice(0, 7)}`);
}

/** Every Deployment of the preview's environment becomes inactive. */
async function deactivate(gh: GitHub, repo: Repo, number: number, reason: string): Promise<void> {
  const deployments = (await gh.paginate("GET /repos/{owner}/{repo}/deployments", {
    ...repo,
    environment: previewDeploymentEnvironment(number),
    per_page: 100,
  })) as Array<{ id: number }>;
  for (const d of deployments) await markInactive(gh, repo, d.id, `Preview removed: ${reason}`);
}
