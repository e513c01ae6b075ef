import { httpStatus, NO_RETRY, type GitHub, type Repo } from "./client.js";
import { keyedLock } from "./keyed-lock.js";
import { annotationBatches, type Annotation } from "../report/annotations.js";
import { ANNOTATIONS_PER_REQUEST } from "../report/limits.js";

export const CHECK_NAME = "Paved";

export type CheckAnnotation = Annotation;

export interface CheckReport {
  conclusion: "success" | "failure" | "neutral" | "action_required";
  title: string;
  summary: string;
  text?: string;
  annotations: CheckAnnotation[];
}

interface ExistingCheck {
  id: number;
  status: string;
  conclusion?: string | null;
  external_id: string | null;
  output?: { title?: string | null; summary?: string | null; text?: string | null; annotations_count?: number } | null;
}

/** What a completed check said, to tell whether a recomputation changed anything. */
export interface CheckSnapshot {
  conclusion: string | null;
  title: string;
  summary: string;
  text: string;
  annotations: number;
}

export interface StartedCheck {
  id: number;
  /** This delivery was handled already: the check is complete and nothing is to be done. */
  done: boolean;
  externalId: string;
  /** Set when the check was already complete (another event on the same commit): an identical result is not written again. */
  previous?: CheckSnapshot;
  /** The check was moved back to in progress (a re-run): an identical result is completed again, without repeating its annotations. */
  reopened?: boolean;
}

export interface StartOptions {
  /** Someone asked for this (Re-run, `/paved plan`): show the check in progress and write the result even if unchanged. */
  rerun?: boolean;
  /** Planning that concludes within this writes the check once, completed; slower planning shows it in progress first (default 2 s). */
  quickCheckMs?: number | undefined;
}

/**
 * Marks the write that concludes a check: it keeps its own request deadline even when the job that
 * makes it ran out of time (see the app's request deadlines), so a check is never left in progress.
 */
export const CONCLUDES = { request: { concludes: true } } as const;

/** Looking for a check whose creation lost its answer: a few tries, 200 ms, 400 ms, 600 ms apart. */
const LOOKUP_ATTEMPTS = 3;
const LOOKUP_BACKOFF_MS = 200;

// One process never creates two checks for one commit: concurrent deliveries for the same head
// (opened, ready_for_review, a review…) would each see none and each create one.
const creating = keyedLock();

async function latestCheck(gh: GitHub, repo: Repo, headSha: string): Promise<ExistingCheck | undefined> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    filter: "latest",
    per_page: 100,
  });
  return (data.check_runs as ExistingCheck[])[0];
}

/**
 * The check run for this head sha. `externalId` is the webhook delivery id: a redelivery of an event
 * whose check already completed returns `done: true` and changes nothing. A check completed by another
 * event on the same commit stays as it is until the new result is known (and is not rewritten if the
 * result is the same). A new check is not written yet: if the result comes within `quickCheckMs`
 * it is created once, complete; otherwise it is created in progress then, and completed later.
 */
export function startCheck(gh: GitHub, repo: Repo, headSha: string, externalId: string, options: StartOptions = {}): Promise<StartedCheck> {
  return creating(`${repo.owner}/${repo.repo}@${headSha}`.toLowerCase(), async () => {
    const existing = await latestCheck(gh, repo, headSha);
    if (existing && existing.external_id === externalId && existing.status === "completed") {
      return { id: existing.id, done: true, externalId };
    }
    if (existing && existing.status === "completed" && !options.rerun) {
      return { id: existing.id, done: false, externalId, previous: snapshotOf(existing) };
    }
    if (existing) {
      await gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        ...repo,
        check_run_id: existing.id,
        status: "in_progress",
        external_id: externalId,
      });
      return { id: existing.id, done: false, externalId, ...(existing.status === "completed" ? { previous: snapshotOf(existing), reopened: true } : {}) };
    }
    // Not created yet: planning that is quick writes the check once, completed (see `deferCreation`).
    return { id: deferCreation(gh, repo, headSha, externalId, options.quickCheckMs ?? QUICK_CHECK_MS), done: false, externalId };
  });
}

const QUICK_CHECK_MS = 2_000;

interface DeferredCheck {
  gh: GitHub;
  repo: Repo;
  headSha: string;
  externalId: string;
  timer?: NodeJS.Timeout;
  created?: Promise<number>;
}

// Checks not created yet, under a negative placeholder id that `finishCheck`/`failCheck` resolve:
// the flows hold an id from `startCheck` either way, and may report a later failure with it after
// the check was created, so an entry outlives its creation (the oldest are forgotten past a bound).
const deferred = new Map<number, DeferredCheck>();
const REMEMBERED_PLACEHOLDERS = 10_000;
let nextPlaceholder = -1;

function deferCreation(gh: GitHub, repo: Repo, headSha: string, externalId: string, quickCheckMs: number): number {
  const placeholder = nextPlaceholder--;
  const entry: DeferredCheck = { gh, repo, headSha, externalId };
  entry.timer = setTimeout(() => void createdId(entry, { status: "in_progress" }).catch(() => undefined), quickCheckMs);
  entry.timer.unref?.();
  deferred.set(placeholder, entry);
  if (deferred.size > REMEMBERED_PLACEHOLDERS) deferred.delete(deferred.keys().next().value!);
  return placeholder;
}

/** The real id of a deferred check, creating it with `body` if nobody has yet; a failed creation may be tried again. */
function createdId(entry: DeferredCheck, body: Record<string, unknown>): Promise<number> {
  clearTimeout(entry.timer);
  entry.created ??= createCheck(entry.gh, entry.repo, entry.headSha, entry.externalId, body).catch((error: unknown) => {
    entry.created = undefined;
    throw error;
  });
  return entry.created;
}

async function createCheck(gh: GitHub, repo: Repo, headSha: string, externalId: string, body: Record<string, unknown>): Promise<number> {
  try {
    const created = await gh.request("POST /repos/{owner}/{repo}/check-runs", {
      ...repo,
      name: CHECK_NAME,
      head_sha: headSha,
      external_id: externalId,
      ...body,
      // Merged, not spread: a create that concludes the check keeps `concludes` (the job's deadline must not abort it).
      request: { ...(body.request as object | undefined), ...NO_RETRY.request },
    } as never);
    return Number((created.data as { id: number }).id);
  } catch (error) {
    // A lost response (timeout, 5xx) may hide a check GitHub did create: find it rather than leave
    // it in progress forever. A 4xx means GitHub refused, so there is nothing to find.
    const status = httpStatus(error);
    if (status !== undefined && status < 500) throw error;
    for (let attempt = 1; attempt <= LOOKUP_ATTEMPTS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, LOOKUP_BACKOFF_MS * attempt)); // GitHub may still be creating it
      const found = await latestCheck(gh, repo, headSha).catch(() => undefined);
      if (found && found.external_id === externalId) return found.id;
    }
    // Not found: nothing hangs, or a later event on this commit finds it in progress and finishes it.
    throw error;
  }
}

function snapshotOf(check: ExistingCheck): CheckSnapshot {
  return {
    conclusion: check.conclusion ?? null,
    title: check.output?.title ?? "",
    summary: check.output?.summary ?? "",
    text: check.output?.text ?? "",
    annotations: check.output?.annotations_count ?? 0,
  };
}

function sameReport(previous: CheckSnapshot, report: CheckReport): boolean {
  return (
    previous.conclusion === report.conclusion &&
    previous.title === report.title &&
    previous.summary === report.summary &&
    previous.text === (report.text ?? "") &&
    previous.annotations === report.annotations.length
  );
}

/** Completes the check; annotations go 50 per request, as GitHub requires (they append). */
export async function finishCheck(gh: GitHub, repo: Repo, check: number | StartedCheck, report: CheckReport, failed = false): Promise<void> {
  // The same result for a check that already shows it: writing it again would only repeat its annotations (they append).
  const unchanged = typeof check === "object" && check.previous !== undefined && sameReport(check.previous, report);
  if (unchanged && !check.reopened) return;
  if (unchanged) report = { ...report, annotations: [] }; // completed again; the annotations it has stay
  const given = typeof check === "number" ? check : check.id;
  // A failed check forgets its delivery: a retry or a redelivery of that event computes it again.
  const externalId = failed ? { external_id: "" } : typeof check === "object" ? { external_id: check.externalId } : {};
  const batches = annotationBatches(report.annotations, ANNOTATIONS_PER_REQUEST);
  const output = { title: report.title, summary: report.summary, ...(report.text ? { text: report.text } : {}) };
  const entry = deferred.get(given);
  if (entry && !entry.created && batches.length <= 1) {
    // Quick: one write, the check created complete with its output.
    await createdId(entry, { status: "completed", conclusion: report.conclusion, output: { ...output, annotations: batches[0] ?? [] }, ...externalId, ...CONCLUDES });
    return;
  }
  const checkRunId = entry ? await createdId(entry, { status: "in_progress" }) : given;
  // Annotations first, conclusion last: a reader never sees a completed check with half its annotations.
  for (const annotations of batches.slice(1)) {
    await gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: checkRunId,
      output: { ...output, annotations },
    });
  }
  await gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    ...repo,
    check_run_id: checkRunId,
    ...externalId,
    status: "completed",
    conclusion: report.conclusion,
    output: { ...output, annotations: batches[0] ?? [] },
    ...CONCLUDES,
  });
}

const FAIL_ATTEMPTS = 3;
const FAIL_BACKOFF_MS = 250;

/**
 * A check that could not be computed must not hang in progress: it fails, saying why. Best effort and
 * never throws — callers report the failure and then rethrow their own error, which must not be
 * replaced by an error about reporting it. Tries a few times (the PATCH is idempotent); false when
 * GitHub never took it.
 */
export async function failCheck(gh: GitHub, repo: Repo, check: number | StartedCheck, reason: string): Promise<boolean> {
  const checkRunId = typeof check === "number" ? check : check.id;
  for (let attempt = 1; ; attempt++) {
    try {
      await finishCheck(gh, repo, checkRunId, { conclusion: "failure", title: "Paved could not finish", summary: reason, annotations: [] }, true);
      return true;
    } catch {
      if (attempt >= FAIL_ATTEMPTS) return false;
      await new Promise((resolve) => setTimeout(resolve, FAIL_BACKOFF_MS * attempt));
    }
  }
}
