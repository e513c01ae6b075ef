/** Pull requests, reviews, issue comments and reactions. */
import { mergeLines } from "./merge-lines.js";
import {
  API,
  WEB,
  created,
  errorBody,
  HttpError,
  noContent,
  notFound,
  ok,
  paginate,
  requireFields,
  tokenOf,
  unprocessable,
  validationFailed,
  type Reply,
  type Req,
  type Router,
} from "./http.js";
import {
  nodeId,
  type CommentState,
  type PullState,
  type ReactionState,
  type RepoState,
  type ReviewState,
  type World,
} from "./state.js";
import { issuesOf } from "./routes-issues.js";

export interface AddPullInput {
  number?: number;
  title?: string;
  body?: string | null;
  /** `repo`: the head repository's full name, a fork when it differs (default: the base repository). `sha` defaults to the branch head. */
  head: { ref: string; sha?: string; repo?: string };
  base?: { ref?: string; sha?: string };
  user?: string;
  state?: "open" | "closed";
  merged?: boolean;
  merge_commit_sha?: string | null;
  draft?: boolean;
  labels?: string[];
}

export interface AddReviewInput {
  user: string;
  state: ReviewState["state"];
  commit_id?: string;
  body?: string;
}

/** The login of the workflow token's writes, and the app GitHub says wrote them. */
export const ACTIONS_BOT = "github-actions[bot]";
const ACTIONS_APP = { id: 15368, slug: "github-actions", node_id: "MDM6QXBwMTUzNjg=", name: "GitHub Actions" };

const REACTIONS = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];
/** GitHub rejects comment bodies longer than this many characters. */
export const COMMENT_MAX = 65536;

export function pullJson(world: World, repo: RepoState, pr: PullState) {
  const base = `${API}/repos/${repo.fullName}`;
  const html = `${WEB}/${repo.fullName}/pull/${pr.number}`;
  const headOwner = pr.head.repo.split("/")[0]!;
  return {
    url: `${base}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId("PR", pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${base}/issues/${pr.number}`,
    comments_url: `${base}/issues/${pr.number}/comments`,
    statuses_url: `${base}/statuses/${pr.head.sha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: world.userJson(pr.user),
    body: pr.body,
    labels: pr.labels.map((name, i) => ({ id: i + 1, node_id: nodeId("LA", name), url: `${base}/labels/${encodeURIComponent(name)}`, name, color: "ededed", default: false, description: null })),
    milestone: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.state === "open" ? testMerge(world, repo, pr) : pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    draft: pr.draft,
    head: {
      label: `${headOwner}:${pr.head.ref}`,
      ref: pr.head.ref,
      sha: pr.head.sha,
      user: world.userJson(headOwner),
      repo: world.headRepoJson(pr.head.repo, repo),
    },
    base: {
      label: `${repo.owner}:${pr.base.ref}`,
      ref: pr.base.ref,
      sha: pr.base.sha,
      user: world.userJson(repo.owner, "Organization"),
      repo: world.repoJson(repo),
    },
    author_association: "MEMBER",
    auto_merge: null,
    merged: pr.merged,
    mergeable: pr.state === "open" ? testMerge(world, repo, pr) !== null : null,
    mergeable_state: pr.state === "open" ? (testMerge(world, repo, pr) !== null ? "clean" : "dirty") : "unknown",
    merged_by: null,
    comments: repo.comments.filter((c) => c.issue === pr.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
  };
}

function commentJson(world: World, repo: RepoState, c: CommentState) {
  const base = `${API}/repos/${repo.fullName}`;
  const byApp = c.user === world.botLogin;
  return {
    id: c.id,
    node_id: nodeId("IC", c.id),
    url: `${base}/issues/comments/${c.id}`,
    html_url: `${WEB}/${repo.fullName}/${repo.pulls.has(c.issue) ? "pull" : "issues"}/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}/issues/${c.issue}`,
    body: c.body,
    user: world.userJson(c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: byApp ? "NONE" : "MEMBER",
    performed_via_github_app: byApp ? world.appJson() : c.user === ACTIONS_BOT ? ACTIONS_APP : null,
    reactions: {
      url: `${base}/issues/comments/${c.id}/reactions`,
      total_count: c.reactions.length,
      ...Object.fromEntries(REACTIONS.map((r) => [r, c.reactions.filter((x) => x.content === r).length])),
    },
  };
}

function reviewJson(world: World, repo: RepoState, n: number, r: ReviewState) {
  const html = `${WEB}/${repo.fullName}/pull/${n}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: nodeId("PRR", r.id),
    user: world.userJson(r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: `${API}/repos/${repo.fullName}/pulls/${n}`,
    author_association: "MEMBER",
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
    _links: { html: { href: html }, pull_request: { href: `${API}/repos/${repo.fullName}/pulls/${n}` } },
  };
}

const reactionJson = (world: World, r: ReactionState) => ({
  id: r.id,
  node_id: nodeId("REA", r.id),
  user: world.userJson(r.user),
  content: r.content,
  created_at: r.createdAt,
});

/** Registers a pull request; a fork's commits become readable in the base repository, as on GitHub. */
export function addPull(world: World, repo: RepoState, input: AddPullInput): PullState {
  const headRepoName = input.head.repo ?? repo.fullName;
  const headRepo = world.repos.get(headRepoName.toLowerCase());
  const headSha = input.head.sha ?? (headRepo && world.resolve(headRepo, `refs/heads/${input.head.ref}`));
  if (!headSha) throw new Error(`addPull: no sha for head ${headRepoName}:${input.head.ref}`);
  const baseRef = input.base?.ref ?? repo.defaultBranch;
  const number = input.number ?? repo.nextNumber;
  repo.nextNumber = Math.max(repo.nextNumber, number + 1);
  const at = world.now();
  const merged = input.merged ?? false;
  const state = input.state ?? (merged ? "closed" : "open");
  const pr: PullState = {
    number,
    id: world.id(),
    title: input.title ?? `Pull request #${number}`,
    body: input.body ?? null,
    user: input.user ?? "octocat",
    state,
    draft: input.draft ?? false,
    merged,
    mergedAt: merged ? at : null,
    mergeCommitSha: input.merge_commit_sha ?? null,
    createdAt: at,
    updatedAt: at,
    closedAt: state === "closed" ? at : null,
    head: { ref: input.head.ref, sha: headSha, repo: headRepo?.fullName ?? headRepoName },
    base: { ref: baseRef, sha: input.base?.sha ?? world.resolve(repo, `refs/heads/${baseRef}`) ?? "" },
    labels: input.labels ?? [],
  };
  if (headRepo && headRepo !== repo) repo.store.copyFrom(headRepo.store, headSha);
  repo.refs.set(`refs/pull/${number}/head`, headSha);
  repo.pulls.set(number, pr);
  return pr;
}

export function addReview(world: World, repo: RepoState, n: number, input: AddReviewInput): ReviewState {
  const pr = pullOf(repo, n);
  const review: ReviewState = {
    id: world.id(),
    user: input.user,
    state: input.state,
    body: input.body ?? "",
    commitId: input.commit_id ?? pr.head.sha,
    submittedAt: world.now(),
  };
  repo.reviews.set(n, [...(repo.reviews.get(n) ?? []), review]);
  return review;
}

export function addComment(world: World, repo: RepoState, issue: number, body: string, user: string): CommentState {
  numberedOf(repo, issue);
  const at = world.now();
  const c: CommentState = { id: world.id(), issue, body, user, createdAt: at, updatedAt: at, reactions: [] };
  repo.comments.push(c);
  return c;
}

/** The tree of merging `head` into `base` (a file-level three-way merge), or null when both changed the same file. */
function mergedTree(repo: RepoState, base: string, head: string): string | null {
  const store = repo.store;
  const headTree = store.commit(head)!.tree;
  if (store.isAncestor(base, head)) return headTree;
  const mb = store.mergeBase(base, head);
  const anc = mb ? store.flatten(store.commit(mb)!.tree) : new Map();
  const ours = store.flatten(store.commit(base)!.tree);
  const theirs = store.flatten(headTree);
  const merged = new Map<string, { mode: string; type: "blob" | "tree" | "commit"; sha: string }>();
  for (const path of new Set([...anc.keys(), ...ours.keys(), ...theirs.keys()])) {
    const [a, o, t] = [anc.get(path)?.sha, ours.get(path), theirs.get(path)];
    const pick = o?.sha === t?.sha ? o : o?.sha === a ? t : t?.sha === a ? o : "conflict";
    if (pick !== "conflict") {
      if (pick) merged.set(path, pick);
      continue;
    }
    // Both sides changed the file: merge its lines, as git does.
    if (!a || !o || !t || o.type !== "blob" || t.type !== "blob") return null;
    const text = (sha: string) => store.blob(sha)!.toString("utf8");
    const lines = mergeLines(text(a), text(o.sha), text(t.sha));
    if (lines === null) return null;
    merged.set(path, { mode: o.mode, type: "blob", sha: store.putBlob(lines) });
  }
  return store.buildTree(merged);
}

/**
 * The test merge commit of an open pull request, as GitHub keeps it in `merge_commit_sha` and
 * `refs/pull/N/merge`: the head merged into the base branch as it is now (parents: base, head),
 * recomputed whenever either side moves; null when the merge conflicts (`mergeable: false`).
 */
export function testMerge(world: World, repo: RepoState, pr: PullState): string | null {
  const base = repo.refs.get(`refs/heads/${pr.base.ref}`);
  if (!base || !repo.store.commit(pr.head.sha)) return null;
  const key = `${base}...${pr.head.sha}`;
  if (!world.testMerges.has(key)) {
    const tree = mergedTree(repo, base, pr.head.sha);
    const at = world.now();
    const sha =
      tree === null
        ? null
        : repo.store.putCommit({
            tree,
            parents: [base, pr.head.sha],
            message: `Merge ${pr.head.sha} into ${base}`,
            author: { name: "GitHub", email: "noreply@github.com", date: at },
            committer: { name: "GitHub", email: "noreply@github.com", date: at },
            verified: true,
          }).sha;
    world.testMerges.set(key, sha);
  }
  const sha = world.testMerges.get(key)!;
  if (sha) repo.refs.set(`refs/pull/${pr.number}/merge`, sha);
  else repo.refs.delete(`refs/pull/${pr.number}/merge`);
  return sha;
}

/**
 * Merges a pull request like the merge button: a merge commit (or a squash commit) on the base
 * branch whose tree is a file-level three-way merge; 405 when both sides changed the same file.
 */
export function mergePull(
  world: World,
  repo: RepoState,
  n: number,
  method: "merge" | "squash" = "merge",
  sha?: string,
  by = "octocat",
) {
  const pr = pullOf(repo, n);
  if (pr.state !== "open") throw new HttpError(405, errorBody(405, "Pull Request is not mergeable"));
  if (sha && sha !== pr.head.sha)
    throw new HttpError(409, errorBody(409, "Head branch was modified. Review and try the merge again."));
  const baseRef = `refs/heads/${pr.base.ref}`;
  const baseHead = repo.refs.get(baseRef)!;
  const store = repo.store;
  const tree = mergedTree(repo, baseHead, pr.head.sha);
  if (tree === null) throw new HttpError(405, errorBody(405, "Pull Request is not mergeable"));
  const at = world.now();
  const headOwner = pr.head.repo.split("/")[0];
  const commit = store.putCommit({
    tree,
    parents: method === "merge" ? [baseHead, pr.head.sha] : [baseHead],
    message:
      method === "merge"
        ? `Merge pull request #${n} from ${headOwner}/${pr.head.ref}\n\n${pr.title}`
        : `${pr.title} (#${n})`,
    author: { name: pr.user, email: `${pr.user}@users.noreply.github.com`, date: at },
    committer: { name: "GitHub", email: "noreply@github.com", date: at },
    verified: true,
  });
  world.setRef(repo, baseRef, commit.sha, by, "pr_merge");
  repo.refs.delete(`refs/pull/${n}/merge`);
  Object.assign(pr, {
    state: "closed",
    merged: true,
    mergedAt: at,
    closedAt: at,
    updatedAt: at,
    mergeCommitSha: commit.sha,
  });
  return commit.sha;
}

/**
 * Adds a pull request to the merge queue as GitHub does: a merge commit of its head onto the base on
 * `gh-readonly-queue/<base>/pr-<number>-<head sha>`; the base branch does not move.
 */
export function queuePull(world: World, repo: RepoState, n: number): { headRef: string; headSha: string; baseRef: string; baseSha: string } {
  const pr = pullOf(repo, n);
  if (pr.state !== "open") throw new HttpError(405, errorBody(405, "Pull Request is not mergeable"));
  const baseSha = repo.refs.get(`refs/heads/${pr.base.ref}`)!;
  const at = world.now();
  const tree = mergedTree(repo, baseSha, pr.head.sha);
  if (tree === null) throw new HttpError(405, errorBody(405, "Pull Request is not mergeable"));
  const commit = repo.store.putCommit({
    tree,
    parents: [baseSha, pr.head.sha],
    message: `Merge pull request #${n} from ${pr.head.repo.split("/")[0]}/${pr.head.ref}\n\n${pr.title}`,
    author: { name: "GitHub", email: "noreply@github.com", date: at },
    committer: { name: "GitHub", email: "noreply@github.com", date: at },
    verified: true,
  });
  const headRef = `refs/heads/gh-readonly-queue/${pr.base.ref}/pr-${n}-${pr.head.sha}`;
  world.setRef(repo, headRef, commit.sha);
  return { headRef, headSha: commit.sha, baseRef: `refs/heads/${pr.base.ref}`, baseSha };
}

/** Comments belong to an issue or a pull request: they share one numbering. */
function numberedOf(repo: RepoState, n: number): void {
  if (!repo.pulls.has(n) && !issuesOf(repo).has(n)) throw notFound();
}

function pullOf(repo: RepoState, n: number): PullState {
  const pr = repo.pulls.get(n);
  if (!pr) throw notFound();
  return pr;
}

function commentOf(repo: RepoState, id: string | undefined): CommentState {
  const c = repo.comments.find((x) => String(x.id) === id);
  if (!c) throw notFound();
  return c;
}

function checkBody(body: unknown): string {
  if (typeof body !== "string") throw validationFailed("IssueComment", "body", "missing_field");
  if ([...body].length > COMMENT_MAX) {
    throw validationFailed("IssueComment", "body", "custom", `body is too long (maximum is ${COMMENT_MAX} characters)`);
  }
  return body;
}

function react(world: World, list: ReactionState[], content: unknown): Reply {
  if (typeof content !== "string" || !REACTIONS.includes(content)) {
    throw validationFailed("Reaction", "content", "invalid");
  }
  const existing = list.find((r) => r.user === world.botLogin && r.content === content);
  if (existing) return ok(reactionJson(world, existing));
  const r: ReactionState = { id: world.id(), user: world.botLogin, content, createdAt: world.now() };
  list.push(r);
  return created(reactionJson(world, r));
}

/**
 * Pull requests associated with a commit (REST `commits/{sha}/pulls`, GraphQL `associatedPullRequests`).
 * GitHub: "the merged pull request that introduced the commit to the repository; if the commit is not
 * present in the default branch, only open pull requests associated with the commit".
 */
export function associatedPulls(repo: RepoState, sha: string): PullState[] {
  const main = repo.refs.get(`refs/heads/${repo.defaultBranch}`);
  const onDefault = main !== undefined && repo.store.isAncestor(sha, main);
  const pulls = [...repo.pulls.values()].sort((a, b) => a.number - b.number);
  return onDefault
    ? pulls
        .filter(
          (pr) =>
            pr.merged &&
            pr.base.ref === repo.defaultBranch &&
            (pr.mergeCommitSha === sha || (repo.store.isAncestor(sha, pr.head.sha) && pr.mergeCommitSha !== null && repo.store.isAncestor(pr.mergeCommitSha, main))),
        )
        .slice(0, 1)
    : pulls.filter((pr) => pr.state === "open" && repo.store.isAncestor(sha, pr.head.sha));
}

export function pullRoutes(router: Router, world: World): void {
  const repoOf = (req: Req) => world.repo(`${req.params.owner}/${req.params.repo}`);
  const num = (req: Req) => Number(req.params.number);

  // ---- pulls ----
  router.on("GET", "/repos/:owner/:repo/pulls", (req) => {
    const repo = repoOf(req);
    const state = req.query.state ?? "open";
    const list = [...repo.pulls.values()]
      .filter((pr) => state === "all" || pr.state === state)
      .filter(
        (pr) =>
          !req.query.head ||
          `${pr.head.repo.split("/")[0]}:${pr.head.ref}`.toLowerCase() === req.query.head.toLowerCase(),
      )
      .filter((pr) => !req.query.base || pr.base.ref === req.query.base)
      .sort((a, b) => (req.query.direction === "asc" ? a.number - b.number : b.number - a.number));
    return paginate(
      req,
      list.map((pr) => pullJson(world, repo, pr)),
    );
  });

  router.on("GET", "/repos/:owner/:repo/pulls/:number", (req) => {
    const repo = repoOf(req);
    return ok(pullJson(world, repo, pullOf(repo, num(req))));
  });

  router.on("POST", "/repos/:owner/:repo/pulls", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["head", "base"]);
    const { title, head, base, body, draft } = req.body as {
      title?: string;
      head: string;
      base: string;
      body?: string;
      draft?: boolean;
    };
    const [headOwner, headRef] = head.includes(":") ? (head.split(":", 2) as [string, string]) : [repo.owner, head];
    const headRepo =
      headOwner.toLowerCase() === repo.owner.toLowerCase()
        ? repo
        : world.repos.get(`${headOwner}/${repo.name}`.toLowerCase());
    const headSha = headRepo?.refs.get(`refs/heads/${headRef}`);
    if (!headSha) throw validationFailed("PullRequest", "head", "invalid");
    const baseSha = repo.refs.get(`refs/heads/${base}`);
    if (!baseSha) throw validationFailed("PullRequest", "base", "invalid");
    if (title === undefined) throw validationFailed("PullRequest", "title", "missing_field");
    const dup = [...repo.pulls.values()].find(
      (p) => p.state === "open" && p.head.repo === headRepo!.fullName && p.head.ref === headRef && p.base.ref === base,
    );
    if (dup)
      throw unprocessable("Validation Failed", [
        {
          resource: "PullRequest",
          code: "custom",
          message: `A pull request already exists for ${headOwner}:${headRef}.`,
        },
      ]);
    if (headRepo!.store.isAncestor(headSha, baseSha) && headRepo === repo) {
      throw unprocessable("Validation Failed", [
        { resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${headRef}` },
      ]);
    }
    const pr = addPull(world, repo, {
      title,
      body: body ?? null,
      draft,
      head: { ref: headRef, sha: headSha, repo: headRepo!.fullName },
      base: { ref: base, sha: baseSha },
      user: world.botLogin,
    });
    return created(pullJson(world, repo, pr));
  });

  router.on("PATCH", "/repos/:owner/:repo/pulls/:number", (req) => {
    const repo = repoOf(req);
    const pr = pullOf(repo, num(req));
    const body = (req.body ?? {}) as { title?: string; body?: string; state?: "open" | "closed"; base?: string };
    if (body.state !== undefined && body.state !== "open" && body.state !== "closed")
      throw validationFailed("PullRequest", "state", "invalid");
    if (body.base !== undefined) {
      const sha = repo.refs.get(`refs/heads/${body.base}`);
      if (!sha) throw validationFailed("PullRequest", "base", "invalid");
      pr.base = { ref: body.base, sha };
    }
    if (body.title !== undefined) pr.title = body.title;
    if (body.body !== undefined) pr.body = body.body;
    if (body.state !== undefined && !pr.merged) {
      pr.state = body.state;
      pr.closedAt = body.state === "closed" ? world.now() : null;
    }
    pr.updatedAt = world.now();
    return ok(pullJson(world, repo, pr));
  });

  router.on("PUT", "/repos/:owner/:repo/pulls/:number/merge", (req) => {
    const repo = repoOf(req);
    const { merge_method = "merge", sha } = (req.body ?? {}) as { merge_method?: "merge" | "squash"; sha?: string };
    const merged = mergePull(world, repo, num(req), merge_method === "squash" ? "squash" : "merge", sha, world.loginOf(tokenOf(req)));
    return ok({ sha: merged, merged: true, message: "Pull Request successfully merged" });
  });

  router.on("GET", "/repos/:owner/:repo/pulls/:number/reviews", (req) => {
    const repo = repoOf(req);
    pullOf(repo, num(req));
    return paginate(
      req,
      (repo.reviews.get(num(req)) ?? []).map((r) => reviewJson(world, repo, num(req), r)),
    );
  });

  router.on("GET", "/repos/:owner/:repo/commits/:sha/pulls", (req) => {
    const repo = repoOf(req);
    const sha = world.resolve(repo, req.params.sha!);
    if (!sha) throw unprocessable(`No commit found for SHA: ${req.params.sha}`);
    return paginate(
      req,
      associatedPulls(repo, sha).map((pr) => pullJson(world, repo, pr)),
    );
  });

  // ---- issue comments ----
  router.on("GET", "/repos/:owner/:repo/issues/:number/comments", (req) => {
    const repo = repoOf(req);
    numberedOf(repo, num(req));
    return paginate(
      req,
      repo.comments.filter((c) => c.issue === num(req)).map((c) => commentJson(world, repo, c)),
    );
  });

  router.on("POST", "/repos/:owner/:repo/issues/:number/comments", (req) => {
    const repo = repoOf(req);
    numberedOf(repo, num(req));
    return created(
      commentJson(world, repo, addComment(world, repo, num(req), checkBody(req.body?.body), world.loginOf(tokenOf(req)))),
    );
  });

  router.on("GET", "/repos/:owner/:repo/issues/comments/:id", (req) => {
    const repo = repoOf(req);
    return ok(commentJson(world, repo, commentOf(repo, req.params.id)));
  });

  router.on("PATCH", "/repos/:owner/:repo/issues/comments/:id", (req) => {
    const repo = repoOf(req);
    const c = commentOf(repo, req.params.id);
    // Write access (the app's issues/pull_requests permission) may edit anyone's comment.
    c.body = checkBody(req.body?.body);
    c.updatedAt = world.now();
    return ok(commentJson(world, repo, c));
  });

  router.on("DELETE", "/repos/:owner/:repo/issues/comments/:id", (req) => {
    const repo = repoOf(req);
    const c = commentOf(repo, req.params.id);
    repo.comments.splice(repo.comments.indexOf(c), 1);
    return noContent();
  });

  router.on("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", (req) => {
    const repo = repoOf(req);
    return react(world, commentOf(repo, req.params.id).reactions, req.body?.content);
  });

  router.on("POST", "/repos/:owner/:repo/issues/:number/reactions", (req) => {
    const repo = repoOf(req);
    pullOf(repo, num(req));
    if (!repo.issueReactions.has(num(req))) repo.issueReactions.set(num(req), []);
    return react(world, repo.issueReactions.get(num(req))!, req.body?.content);
  });
}
