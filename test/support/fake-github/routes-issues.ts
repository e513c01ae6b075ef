/** Issues (not pull requests): what the drift issue uses. */
import { API, WEB, created, notFound, ok, paginate, requireFields, validationFailed, type Req, type Router } from "./http.js";
import { nodeId, type RepoState, type World } from "./state.js";

export interface IssueState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

// Kept beside the world's repositories rather than in them: a fresh World (fake.reset) starts empty.
const issuesByRepo = new WeakMap<RepoState, Map<number, IssueState>>();

export function issuesOf(repo: RepoState): Map<number, IssueState> {
  let issues = issuesByRepo.get(repo);
  if (!issues) issuesByRepo.set(repo, (issues = new Map()));
  return issues;
}

export function addIssue(world: World, repo: RepoState, input: { title: string; body?: string | null; user: string; labels?: string[] }): IssueState {
  const at = world.now();
  const number = repo.nextNumber++;
  const issue: IssueState = {
    number,
    id: world.id(),
    title: input.title,
    body: input.body ?? null,
    user: input.user,
    state: "open",
    stateReason: null,
    labels: input.labels ?? [],
    createdAt: at,
    updatedAt: at,
    closedAt: null,
  };
  issuesOf(repo).set(number, issue);
  return issue;
}

function issueJson(world: World, repo: RepoState, issue: IssueState) {
  const base = `${API}/repos/${repo.fullName}`;
  const byApp = issue.user === world.botLogin;
  return {
    url: `${base}/issues/${issue.number}`,
    repository_url: base,
    comments_url: `${base}/issues/${issue.number}/comments`,
    html_url: `${WEB}/${repo.fullName}/issues/${issue.number}`,
    id: issue.id,
    node_id: nodeId("I", issue.id),
    number: issue.number,
    title: issue.title,
    user: world.userJson(issue.user),
    labels: issue.labels.map((name, i) => ({ id: i + 1, node_id: nodeId("LA", name), url: `${base}/labels/${encodeURIComponent(name)}`, name, color: "ededed", default: false, description: null })),
    state: issue.state,
    state_reason: issue.stateReason,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: byApp ? "NONE" : "MEMBER",
    body: issue.body,
    performed_via_github_app: byApp ? world.appJson() : null,
  };
}

export function issueRoutes(router: Router, world: World): void {
  const repoOf = (req: Req) => world.repo(`${req.params.owner}/${req.params.repo}`);
  const issueOf = (req: Req) => {
    const issue = issuesOf(repoOf(req)).get(Number(req.params.number));
    if (!issue) throw notFound();
    return issue;
  };

  // Like GitHub, the list holds issues only here (pull requests are listed too on GitHub; callers filter by marker).
  router.on("GET", "/repos/:owner/:repo/issues", (req) => {
    const repo = repoOf(req);
    const state = req.query.state ?? "open";
    const labels = (req.query.labels ?? "").split(",").filter(Boolean);
    const list = [...issuesOf(repo).values()]
      .filter((i) => state === "all" || i.state === state)
      .filter((i) => labels.every((l) => i.labels.includes(l)))
      .filter((i) => !req.query.creator || i.user.toLowerCase() === req.query.creator.toLowerCase())
      .sort((a, b) => (req.query.direction === "asc" ? a.number - b.number : b.number - a.number));
    return paginate(req, list.map((i) => issueJson(world, repo, i)));
  });

  router.on("POST", "/repos/:owner/:repo/issues", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["title"]);
    const { title, body, labels } = req.body as { title: unknown; body?: string; labels?: unknown[] };
    if (typeof title !== "string" || title === "") throw validationFailed("Issue", "title", "missing_field");
    // GitHub creates a label it does not know when the caller may push; the app may.
    const names = (labels ?? []).map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)));
    return created(issueJson(world, repo, addIssue(world, repo, { title, body: body ?? null, user: world.botLogin, labels: names })));
  });

  router.on("GET", "/repos/:owner/:repo/issues/:number", (req) => ok(issueJson(world, repoOf(req), issueOf(req))));

  router.on("PATCH", "/repos/:owner/:repo/issues/:number", (req) => {
    const repo = repoOf(req);
    const issue = issueOf(req);
    const body = (req.body ?? {}) as { title?: string; body?: string; state?: string; state_reason?: string };
    if (body.state !== undefined && body.state !== "open" && body.state !== "closed") throw validationFailed("Issue", "state", "invalid");
    if (body.title !== undefined) issue.title = body.title;
    if (body.body !== undefined) issue.body = body.body;
    if (body.state !== undefined && body.state !== issue.state) {
      issue.state = body.state;
      issue.closedAt = body.state === "closed" ? world.now() : null;
      issue.stateReason = body.state === "closed" ? ((body.state_reason as IssueState["stateReason"]) ?? "completed") : "reopened";
    }
    issue.updatedAt = world.now();
    return ok(issueJson(world, repo, issue));
  });
}
