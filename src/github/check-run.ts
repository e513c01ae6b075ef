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
}

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
 * result is the same); a new check is created in progress.
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
    try {
      const created = await gh.request("POST /repos/{owner}/{repo}/check-runs", {
        ...repo,
        name: CHECK_NAME,
        head_sha: headSha,
        status: "in_progress",
        external_id: externalId,
        ...NO_RETRY,
      });
      return { id: Number(created.data.id), done: false, externalId };
    } catch (error) {
      // A lost response (timeout, 5xx) may hide a check GitHub did create: find it rather than leave
      // it in progress forever. A 4xx means GitHub refused, so there is nothing to find.
      const status = httpStatus(error);
      if (status !== undefined && status < 500) throw error;
      for (let attempt = 1; attempt <= LOOKUP_ATTEMPTS; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, LOOKUP_BACKOFF_MS * attempt)); // GitHub may still be creating it
        const found = await latestCheck(gh, repo, headSha).catch(() => undefined);
        if (found && found.external_id === externalId) return { id: found.id, done: false, externalId };
      }
      // Not found: nothing hangs, or a later event on this commit finds it in progress and finishes it.
      throw error;
    }
  });
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
export async function finishCheck(gh: GitHub, repo: Repo, check: number | StartedCheck, report: CheckReport): Promise<void> {
  // The same result for a check that already shows it: writing it again would only repeat its annotations (they append).
  const unchanged = typeof check === "object" && check.previous !== undefined && sameReport(check.previous, report);
  if (unchanged && !check.reopened) return;
  if (unchanged) report = { ...report, annotations: [] }; // completed again; the annotations it has stay
  const checkRunId = typeof check === "number" ? check : check.id;
  const externalId = typeof check === "object" ? { external_id: check.externalId } : {};
  const batches = annotationBatches(report.annotations, ANNOTATIONS_PER_REQUEST);
  const output = { title: report.title, summary: report.summary, ...(report.text ? { text: report.text } : {}) };
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
      await finishCheck(gh, repo, checkRunId, { conclusion: "failure", title: "Paved could not finish", summary: reason, annotations: [] });
      return true;
    } catch {
      if (attempt >= FAIL_ATTEMPTS) return false;
      await new Promise((resolve) => setTimeout(resolve, FAIL_BACKOFF_MS * attempt));
    }
  }
}
