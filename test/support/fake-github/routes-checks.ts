/** Check runs, with GitHub's limits: 50 annotations per request (appended across updates), 65535-byte texts. */
import {
  API,
  WEB,
  created,
  notFound,
  ok,
  paginate,
  requireFields,
  unprocessable,
  type Req,
  type Router,
} from "./http.js";
import { nodeId, type Annotation, type CheckRunState, type RepoState, type World } from "./state.js";

const STATUSES = ["queued", "in_progress", "completed"];
const CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];
const LEVELS = ["notice", "warning", "failure"];
/** GitHub documents 65535 characters for `summary` and `text`; it counts bytes, so the fake does too. */
export const CHECK_TEXT_MAX_BYTES = 65535;
export const ANNOTATIONS_PER_REQUEST = 50;

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  details_url?: string;
  external_id?: string;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: Annotation[]; images?: unknown[] };
  actions?: unknown[];
}

function checkRunJson(world: World, repo: RepoState, run: CheckRunState) {
  const url = `${API}/repos/${repo.fullName}/check-runs/${run.id}`;
  const prs = [...repo.pulls.values()].filter(
    (pr) => pr.state === "open" && pr.head.sha === run.headSha && pr.head.repo === repo.fullName,
  );
  return {
    id: run.id,
    node_id: nodeId("CR", run.id),
    name: run.name,
    head_sha: run.headSha,
    external_id: run.externalId,
    url,
    html_url: `${WEB}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { ...run.output, annotations_count: run.annotations.length, annotations_url: `${url}/annotations` },
    check_suite: { id: parseInt(run.headSha.slice(0, 8), 16) || 1 },
    app: world.appJson(),
    // Empty for pull requests from forks, like GitHub.
    pull_requests: prs.map((pr) => ({
      id: pr.id,
      number: pr.number,
      url: `${API}/repos/${repo.fullName}/pulls/${pr.number}`,
      head: {
        ref: pr.head.ref,
        sha: pr.head.sha,
        repo: { id: repo.id, url: `${API}/repos/${repo.fullName}`, name: repo.name },
      },
      base: {
        ref: pr.base.ref,
        sha: pr.base.sha,
        repo: { id: repo.id, url: `${API}/repos/${repo.fullName}`, name: repo.name },
      },
    })),
  };
}

/** Validates a create/update body the way GitHub does and returns the annotations it carries. */
function validate(body: CheckRunBody): Annotation[] {
  if (body.status !== undefined && !STATUSES.includes(body.status)) {
    throw unprocessable(
      `Invalid request.\n\n${JSON.stringify(body.status)} is not a member of ${JSON.stringify(STATUSES)}.`,
    );
  }
  if (body.conclusion !== undefined && body.conclusion !== null && !CONCLUSIONS.includes(body.conclusion)) {
    throw unprocessable(
      `Invalid request.\n\n${JSON.stringify(body.conclusion)} is not a member of ${JSON.stringify(CONCLUSIONS)}.`,
    );
  }
  if (body.status === "completed" && !body.conclusion)
    throw unprocessable(`Invalid request.\n\n"conclusion" wasn't supplied.`);
  const output = body.output;
  if (output === undefined) return [];
  requireFields(output, ["title", "summary"]);
  for (const field of ["summary", "text"] as const) {
    const bytes = Buffer.byteLength(output[field] ?? "");
    if (bytes > CHECK_TEXT_MAX_BYTES) {
      throw unprocessable(
        `Invalid request.\n\nOnly ${CHECK_TEXT_MAX_BYTES} characters are allowed; ${bytes} were supplied.`,
      );
    }
  }
  const annotations = output.annotations ?? [];
  if (annotations.length > ANNOTATIONS_PER_REQUEST) {
    throw unprocessable(
      `Invalid request.\n\nNo more than ${ANNOTATIONS_PER_REQUEST} items are allowed; ${annotations.length} were supplied.`,
    );
  }
  for (const a of annotations) {
    requireFields(a as unknown as Record<string, unknown>, [
      "path",
      "start_line",
      "end_line",
      "annotation_level",
      "message",
    ]);
    if (!LEVELS.includes(a.annotation_level)) {
      throw unprocessable(
        `Invalid request.\n\n${JSON.stringify(a.annotation_level)} is not a member of ${JSON.stringify(LEVELS)}.`,
      );
    }
    if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
      throw unprocessable(
        "Invalid request.\n\nstart_column and end_column may only be used when start_line and end_line are the same.",
      );
    }
  }
  return annotations;
}

function apply(world: World, run: CheckRunState, body: CheckRunBody, annotations: Annotation[]): void {
  if (body.name !== undefined) run.name = body.name;
  if (body.details_url !== undefined) run.detailsUrl = body.details_url;
  if (body.external_id !== undefined) run.externalId = body.external_id;
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  if (body.status !== undefined) run.status = body.status;
  if (body.conclusion) {
    run.status = "completed";
    run.conclusion = body.conclusion;
    run.completedAt = body.completed_at ?? world.now();
  }
  if (body.output) {
    run.output = {
      title: body.output.title ?? null,
      summary: body.output.summary ?? null,
      text: body.output.text ?? null,
    };
    run.annotations.push(...annotations.map((a) => ({ ...a })));
  }
  if (body.actions !== undefined) run.actions = body.actions;
}

export function checkRoutes(router: Router, world: World): void {
  const repoOf = (req: Req) => world.repo(`${req.params.owner}/${req.params.repo}`);
  const runOf = (repo: RepoState, id: string | undefined) => {
    const run = repo.checkRuns.find((r) => String(r.id) === id);
    if (!run) throw notFound();
    return run;
  };

  router.on("POST", "/repos/:owner/:repo/check-runs", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["name", "head_sha"]);
    const body = req.body as CheckRunBody;
    if (!repo.store.commit(body.head_sha!)) throw unprocessable(`No commit found for SHA: ${body.head_sha}`);
    const annotations = validate(body);
    const run: CheckRunState = {
      id: world.id(),
      name: body.name!,
      headSha: body.head_sha!,
      status: "queued",
      conclusion: null,
      detailsUrl: null,
      externalId: null,
      startedAt: world.now(),
      completedAt: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      actions: [],
      updates: 0,
    };
    apply(world, run, body, annotations);
    repo.checkRuns.push(run);
    return created(checkRunJson(world, repo, run));
  });

  router.on("PATCH", "/repos/:owner/:repo/check-runs/:id", (req) => {
    const repo = repoOf(req);
    const run = runOf(repo, req.params.id);
    const body = (req.body ?? {}) as CheckRunBody;
    const annotations = validate({
      ...body,
      conclusion: body.conclusion ?? (body.status === "completed" ? (run.conclusion ?? undefined) : undefined),
    });
    apply(world, run, body, annotations);
    run.updates++;
    return ok(checkRunJson(world, repo, run));
  });

  router.on("GET", "/repos/:owner/:repo/check-runs/:id", (req) => {
    const repo = repoOf(req);
    return ok(checkRunJson(world, repo, runOf(repo, req.params.id)));
  });

  router.on("GET", "/repos/:owner/:repo/check-runs/:id/annotations", (req) => {
    const repo = repoOf(req);
    const run = runOf(repo, req.params.id);
    return paginate(
      req,
      run.annotations.map((a) => ({
        start_column: null,
        end_column: null,
        title: null,
        raw_details: null,
        ...a,
        blob_href: `${WEB}/${repo.fullName}/blob/${run.headSha}/${a.path}`,
      })),
    );
  });

  router.on("GET", "/repos/:owner/:repo/commits/:ref/check-runs", (req) => {
    const repo = repoOf(req);
    const sha = world.resolve(repo, req.params.ref!);
    if (!sha) throw unprocessable(`No commit found for SHA: ${req.params.ref}`);
    let runs = repo.checkRuns
      .filter((r) => r.headSha === sha)
      .filter((r) => !req.query.check_name || r.name === req.query.check_name)
      .filter((r) => !req.query.status || r.status === req.query.status)
      .sort((a, b) => b.id - a.id);
    if ((req.query.filter ?? "latest") === "latest")
      runs = runs.filter((r, i) => runs.findIndex((x) => x.name === r.name) === i);
    const page = paginate(
      req,
      runs.map((r) => checkRunJson(world, repo, r)),
    );
    return { ...page, data: { total_count: runs.length, check_runs: page.data } };
  });
}
