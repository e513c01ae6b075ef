import { NO_RETRY, type GitHub, type Repo } from "./client.js";

export const CHECK_NAME = "Paved";
const ANNOTATIONS_PER_REQUEST = 50;

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
}

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
  external_id: string | null;
}

/**
 * The check run for this head sha, shown as in progress. `externalId` is the webhook delivery id:
 * a redelivery of an event whose check already completed returns `done: true` and changes nothing.
 */
export async function startCheck(
  gh: GitHub,
  repo: Repo,
  headSha: string,
  externalId: string,
): Promise<{ id: number; done: boolean }> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    filter: "latest",
    per_page: 100,
  });
  const existing = (data.check_runs as ExistingCheck[])[0];
  if (existing && existing.external_id === externalId && existing.status === "completed") {
    return { id: existing.id, done: true };
  }
  if (existing) {
    await gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...repo,
      check_run_id: existing.id,
      status: "in_progress",
      external_id: externalId,
    });
    return { id: existing.id, done: false };
  }
  const created = await gh.request("POST /repos/{owner}/{repo}/check-runs", {
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    status: "in_progress",
    external_id: externalId,
    ...NO_RETRY,
  });
  return { id: Number(created.data.id), done: false };
}

/** Completes the check; annotations go 50 per request, as GitHub requires (they append). */
export async function finishCheck(gh: GitHub, repo: Repo, checkRunId: number, report: CheckReport): Promise<void> {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < report.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(report.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
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
    status: "completed",
    conclusion: report.conclusion,
    output: { ...output, annotations: batches[0] ?? [] },
  });
}

/** A check that could not be computed must not hang in progress: it fails, saying why. */
export async function failCheck(gh: GitHub, repo: Repo, checkRunId: number, reason: string): Promise<void> {
  await finishCheck(gh, repo, checkRunId, {
    conclusion: "failure",
    title: "Paved could not finish",
    summary: reason,
    annotations: [],
  });
}
