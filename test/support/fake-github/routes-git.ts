/** Repository, contents and Git Data endpoints: refs, commits, trees, blobs, compare. */
import { GitError, MODES, type Commit, type EntryType, type PathEntry, type Person, type TreeChange } from "./git.js";
import {
  API,
  WEB,
  base64Lines,
  created,
  noContent,
  notFound,
  ok,
  paginate,
  requireFields,
  tokenOf,
  unprocessable,
  type Req,
  type Router,
} from "./http.js";
import { nodeId, type RepoState, type World } from "./state.js";

export function commitJson(repo: RepoState, c: Commit) {
  const base = `${API}/repos/${repo.fullName}`;
  return {
    sha: c.sha,
    node_id: nodeId("C", c.sha),
    url: `${base}/git/commits/${c.sha}`,
    html_url: `${WEB}/${repo.fullName}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${base}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((sha) => ({
      sha,
      url: `${base}/git/commits/${sha}`,
      html_url: `${WEB}/${repo.fullName}/commit/${sha}`,
    })),
    verification: c.verified
      ? {
          verified: true,
          reason: "valid",
          signature: "-----BEGIN PGP SIGNATURE-----\n\nfake\n-----END PGP SIGNATURE-----\n",
          payload: `tree ${c.tree}\n`,
          verified_at: c.committer.date,
        }
      : { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

/** A commit as the REST commits API shows it (`commit.message`, `commit.verification`, …). */
function restCommitJson(repo: RepoState, c: Commit) {
  const git = commitJson(repo, c);
  return {
    sha: c.sha,
    node_id: git.node_id,
    url: `${API}/repos/${repo.fullName}/commits/${c.sha}`,
    html_url: git.html_url,
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: git.tree,
      url: git.url,
      verification: git.verification,
      comment_count: 0,
    },
    author: null,
    committer: null,
    parents: git.parents,
  };
}

function refJson(repo: RepoState, ref: string, sha: string) {
  const base = `${API}/repos/${repo.fullName}`;
  return {
    ref,
    node_id: nodeId("REF", `${repo.id}:${ref}`),
    url: `${base}/git/${ref}`,
    object: { sha, type: "commit", url: `${base}/git/commits/${sha}` },
  };
}

function entryJson(repo: RepoState, e: PathEntry) {
  const base = `${API}/repos/${repo.fullName}/git`;
  if (e.type === "blob") {
    return { ...e, size: repo.store.blob(e.sha)?.length ?? 0, url: `${base}/blobs/${e.sha}` };
  }
  return { ...e, url: e.type === "tree" ? `${base}/trees/${e.sha}` : undefined };
}

function treeJson(repo: RepoState, sha: string, recursive: boolean) {
  const entries = recursive
    ? repo.store.walk(sha)
    : (repo.store.tree(sha) ?? []).map((e) => ({ path: e.name, mode: e.mode, type: e.type, sha: e.sha }));
  return {
    sha,
    url: `${API}/repos/${repo.fullName}/git/trees/${sha}`,
    tree: entries.map((e) => entryJson(repo, e)),
    truncated: false,
  };
}

function contentJson(repo: RepoState, e: PathEntry, ref: string, withContent: boolean) {
  const base = `${API}/repos/${repo.fullName}`;
  const blob = repo.store.blob(e.sha);
  // Files over 1 MB come without their content ("encoding": "none"); the blobs API serves them.
  const inline = withContent && blob !== undefined && blob.length <= 1024 * 1024;
  const type = e.type === "tree" ? "dir" : e.type === "commit" ? "submodule" : e.mode === "120000" ? "symlink" : "file";
  const self = `${base}/contents/${e.path}?ref=${encodeURIComponent(ref)}`;
  const git = `${base}/git/${e.type === "tree" ? "trees" : "blobs"}/${e.sha}`;
  const html = `${WEB}/${repo.fullName}/${e.type === "tree" ? "tree" : "blob"}/${ref}/${e.path}`;
  return {
    type,
    ...(withContent && blob ? { encoding: inline ? "base64" : "none" } : {}),
    size: blob?.length ?? 0,
    name: e.path.split("/").pop(),
    path: e.path,
    ...(withContent && blob ? { content: inline ? base64Lines(blob) : "" } : {}),
    sha: e.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: type === "file" ? `https://raw.githubusercontent.com/${repo.fullName}/${ref}/${e.path}` : null,
    _links: { self, git, html },
  };
}

/** `author`/`committer` of a commit request, validated like GitHub. */
function person(value: unknown, field: string, date: string): Person | undefined {
  if (value === undefined || value === null) return undefined;
  const p = value as Partial<Person>;
  if (typeof p.name !== "string" || typeof p.email !== "string") {
    throw unprocessable(`Invalid request.\n\n"name", "email" weren't supplied in ${field}.`);
  }
  return { name: p.name, email: p.email, date: p.date ?? date };
}

/** Files changed between two trees, as the compare API lists them. */
function diffFiles(repo: RepoState, from: string | undefined, to: string) {
  const a = from ? repo.store.flatten(from) : new Map<string, PathEntry>();
  const b = repo.store.flatten(to);
  const lines = (sha: string | undefined) => (sha ? (repo.store.blob(sha)?.toString("utf8").split("\n") ?? []) : []);
  const files = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const before = a.get(path)?.sha;
    const after = b.get(path)?.sha;
    if (before === after) continue;
    const old = lines(before);
    const neu = lines(after);
    const additions = neu.filter((l) => !old.includes(l)).length;
    const deletions = old.filter((l) => !neu.includes(l)).length;
    files.push({
      sha: after ?? before,
      filename: path,
      status: !before ? "added" : !after ? "removed" : "modified",
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${WEB}/${repo.fullName}/blob/${after ?? before}/${path}`,
      raw_url: `${WEB}/${repo.fullName}/raw/${after ?? before}/${path}`,
      contents_url: `${API}/repos/${repo.fullName}/contents/${path}`,
    });
  }
  return files;
}

export function gitRoutes(router: Router, world: World): void {
  const repoOf = (req: Req) => world.repo(`${req.params.owner}/${req.params.repo}`);

  router.on("GET", "/repos/:owner/:repo", (req) => ok(world.repoJson(repoOf(req))));

  router.on("GET", "/repos/:owner/:repo/contents/*path", (req) => {
    const repo = repoOf(req);
    const ref = req.query.ref || repo.defaultBranch;
    const commit = world.commitOf(repo, ref);
    if (!commit) {
      throw repo.refs.size === 0
        ? notFound("This repository is empty.")
        : notFound(`No commit found for the ref ${ref}`);
    }
    const path = req.params.path!.replace(/\/+$/, "");
    const entry = repo.store.lookup(commit.tree, path);
    if (!entry) throw notFound();
    if (entry.type === "tree") {
      return ok(
        (repo.store.tree(entry.sha) ?? []).map((e) =>
          contentJson(
            repo,
            { path: path ? `${path}/${e.name}` : e.name, mode: e.mode, type: e.type, sha: e.sha },
            ref,
            false,
          ),
        ),
      );
    }
    // `mediaType: { format: "raw" }` asks for the bytes themselves (as Probot's config plugin does).
    if (/\.raw\b/.test(req.headers.accept ?? "")) {
      return {
        status: 200,
        data: repo.store.blob(entry.sha)?.toString("utf8") ?? "",
        headers: { "content-type": "application/vnd.github.raw; charset=utf-8" },
      };
    }
    return ok(contentJson(repo, entry, ref, true));
  });

  // ---- refs ----
  const oneRef = (req: Req) => {
    const repo = repoOf(req);
    const ref = `refs/${req.params.ref}`;
    const sha = repo.refs.get(ref);
    if (!sha) throw notFound();
    return ok(refJson(repo, ref, sha));
  };
  router.on("GET", "/repos/:owner/:repo/git/ref/*ref", oneRef);
  router.on("GET", "/repos/:owner/:repo/git/matching-refs/*ref", (req) => {
    const repo = repoOf(req);
    const prefix = `refs/${req.params.ref}`;
    return ok(
      [...repo.refs]
        .filter(([r]) => r.startsWith(prefix))
        .sort()
        .map(([r, sha]) => refJson(repo, r, sha)),
    );
  });
  // The legacy plural form: one ref when it matches exactly, else every ref under that prefix.
  router.on("GET", "/repos/:owner/:repo/git/refs/*ref", (req) => {
    const repo = repoOf(req);
    if (repo.refs.has(`refs/${req.params.ref}`)) return oneRef(req);
    const prefix = `refs/${req.params.ref}${req.params.ref ? "/" : ""}`;
    const matches = [...repo.refs].filter(([r]) => r.startsWith(prefix)).sort();
    if (matches.length === 0) throw notFound();
    return ok(matches.map(([r, sha]) => refJson(repo, r, sha)));
  });

  router.on("POST", "/repos/:owner/:repo/git/refs", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["ref", "sha"]);
    const { ref, sha } = req.body as { ref: string; sha: string };
    if (!/^refs\/[^/]+\/.+/.test(ref))
      throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
    if (!repo.store.commit(sha)) throw unprocessable("Object does not exist");
    if (repo.refs.has(ref)) throw unprocessable("Reference already exists");
    world.setRef(repo, ref, sha, world.loginOf(tokenOf(req)));
    return created(refJson(repo, ref, sha));
  });

  router.on("PATCH", "/repos/:owner/:repo/git/refs/*ref", async (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["sha"]);
    const ref = `refs/${req.params.ref}`;
    const { sha, force = false } = req.body as { sha: string; force?: boolean };
    // Test hooks run right before the update is applied: a concurrent writer sneaks in here.
    const hooks = world.refHooks.get(repo.fullName.toLowerCase()) ?? [];
    for (const h of [...hooks]) {
      if (h.left-- <= 0) continue;
      await h.hook({ ref, sha, force });
    }
    const current = repo.refs.get(ref);
    if (!current) throw unprocessable("Reference does not exist");
    if (!repo.store.commit(sha)) throw unprocessable("Object does not exist");
    if (!force && !repo.store.isAncestor(current, sha)) throw unprocessable("Update is not a fast forward");
    world.setRef(repo, ref, sha, world.loginOf(tokenOf(req)));
    return ok(refJson(repo, ref, sha));
  });

  router.on("DELETE", "/repos/:owner/:repo/git/refs/*ref", (req) => {
    const repo = repoOf(req);
    if (!repo.refs.delete(`refs/${req.params.ref}`)) throw unprocessable("Reference does not exist");
    return noContent();
  });

  // ---- commits ----
  router.on("GET", "/repos/:owner/:repo/git/commits/:sha", (req) => {
    const repo = repoOf(req);
    const c = repo.store.commit(req.params.sha!);
    if (!c) throw notFound();
    return ok(commitJson(repo, c));
  });

  router.on("POST", "/repos/:owner/:repo/git/commits", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["message", "tree"]);
    const body = req.body as {
      message: string;
      tree: string;
      parents?: string[];
      author?: unknown;
      committer?: unknown;
    };
    if (!repo.store.tree(body.tree)) throw unprocessable("Tree SHA does not exist");
    const parents = body.parents ?? [];
    if (parents.some((p) => !repo.store.commit(p)))
      throw unprocessable("Parent SHA does not exist or is not a commit object");
    const date = world.now();
    const author = person(body.author, "author", date);
    const committer = person(body.committer, "committer", date) ?? author;
    const c = repo.store.putCommit({
      tree: body.tree,
      parents,
      message: body.message,
      author: author ?? world.botPerson(date),
      committer: committer ?? world.botPerson(date),
      verified: !author && !committer,
    });
    return created(commitJson(repo, c));
  });

  // The REST (not Git Data) view of a commit, minimal: sha, commit, parents, files.
  router.on("GET", "/repos/:owner/:repo/commits/:ref", (req) => {
    const repo = repoOf(req);
    const c = world.commitOf(repo, req.params.ref!);
    if (!c) throw unprocessable(`No commit found for SHA: ${req.params.ref}`);
    return ok({
      ...restCommitJson(repo, c),
      files: diffFiles(repo, c.parents[0] ? repo.store.commit(c.parents[0])?.tree : undefined, c.tree),
    });
  });

  // The history from `sha` (default branch when absent), newest first, like `git log`: `path` keeps
  // the commits that changed something under it (against the first parent), `since`/`until` bound
  // the committer date. No files in list entries, as on GitHub.
  router.on("GET", "/repos/:owner/:repo/commits", (req) => {
    const repo = repoOf(req);
    const start = world.resolve(repo, req.query.sha ?? repo.defaultBranch);
    if (!start) throw notFound(`No commit found for SHA: ${req.query.sha}`);
    const path = req.query.path?.replace(/^\/+|\/+$/g, "");
    const since = req.query.since ? Date.parse(req.query.since) : -Infinity;
    const until = req.query.until ? Date.parse(req.query.until) : Infinity;
    const history = [...repo.store.ancestors(start)]
      .map((sha) => repo.store.commit(sha)!)
      .sort((a, b) => Date.parse(b.committer.date) - Date.parse(a.committer.date));
    const changes = (c: Commit) => {
      if (!path) return true;
      const parent = c.parents[0] ? repo.store.commit(c.parents[0]) : undefined;
      return repo.store.lookup(c.tree, path)?.sha !== (parent ? repo.store.lookup(parent.tree, path)?.sha : undefined);
    };
    const listed = history.filter((c) => changes(c) && Date.parse(c.committer.date) >= since && Date.parse(c.committer.date) <= until);
    return paginate(
      req,
      listed.map((c) => restCommitJson(repo, c)),
    );
  });

  // ---- trees ----
  router.on("GET", "/repos/:owner/:repo/git/trees/:sha", (req) => {
    const repo = repoOf(req);
    const sha = req.params.sha!;
    const tree = repo.store.tree(sha) ? sha : world.commitOf(repo, sha)?.tree;
    if (!tree) throw notFound();
    return ok(
      treeJson(
        repo,
        tree,
        req.query.recursive !== undefined &&
          req.query.recursive !== "" &&
          req.query.recursive !== "0" &&
          req.query.recursive !== "false",
      ),
    );
  });

  router.on("POST", "/repos/:owner/:repo/git/trees", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["tree"]);
    const body = req.body as { base_tree?: string; tree: Array<Record<string, unknown>> };
    if (body.base_tree !== undefined && !repo.store.tree(body.base_tree)) throw unprocessable("GitRPC::BadObjectState");
    const changes: TreeChange[] = body.tree.map((e) => {
      requireFields(e, ["path", "mode", "type"]);
      const { path, mode, type } = e as { path: string; mode: string; type: EntryType };
      if (!(MODES as readonly string[]).includes(mode))
        throw unprocessable(`Invalid request.\n\n${JSON.stringify(mode)} is not a member of ${JSON.stringify(MODES)}.`);
      if (!["blob", "tree", "commit"].includes(type))
        throw unprocessable(`Invalid request.\n\n${JSON.stringify(type)} is not a member of ["blob","tree","commit"].`);
      const hasSha = "sha" in e;
      const hasContent = typeof e.content === "string";
      if (hasSha === hasContent)
        throw unprocessable(
          "Must supply either tree.sha or tree.content. Request will be rejected if both are present.",
        );
      if (hasContent)
        return { path, entry: { mode, type: "blob" as const, sha: repo.store.putBlob(e.content as string) } };
      if (e.sha === null) return { path, entry: null };
      const sha = String(e.sha);
      if (type !== "commit" && repo.store.kind(sha) !== type)
        throw unprocessable(`tree.sha ${sha} is not a valid ${type}`);
      return { path, entry: { mode, type, sha } };
    });
    try {
      return created(treeJson(repo, repo.store.applyChanges(body.base_tree, changes), false));
    } catch (err) {
      if (err instanceof GitError) throw unprocessable(err.message);
      throw err;
    }
  });

  // ---- blobs ----
  router.on("GET", "/repos/:owner/:repo/git/blobs/:sha", (req) => {
    const repo = repoOf(req);
    const blob = repo.store.blob(req.params.sha!);
    if (!blob) throw notFound();
    return ok({
      sha: req.params.sha,
      node_id: nodeId("B", req.params.sha!),
      size: blob.length,
      url: `${API}/repos/${repo.fullName}/git/blobs/${req.params.sha}`,
      content: base64Lines(blob),
      encoding: "base64",
    });
  });

  router.on("POST", "/repos/:owner/:repo/git/blobs", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["content"]);
    const { content, encoding = "utf-8" } = req.body as { content: string; encoding?: string };
    if (encoding !== "utf-8" && encoding !== "base64") throw unprocessable(`encoding must be utf-8 or base64`);
    const sha = repo.store.putBlob(Buffer.from(content, encoding === "base64" ? "base64" : "utf8"));
    return created({ sha, url: `${API}/repos/${repo.fullName}/git/blobs/${sha}` });
  });

  // ---- compare ----
  router.on("GET", "/repos/:owner/:repo/compare/*basehead", (req) => {
    const repo = repoOf(req);
    const [baseRef = "", headRef = ""] = req.params.basehead!.split("...");
    const base = world.commitOf(repo, baseRef);
    const head = world.commitOf(repo, headRef);
    if (!base || !head) throw notFound();
    const mergeBase = repo.store.mergeBase(base.sha, head.sha);
    const fromBase = repo.store.ancestors(base.sha);
    const fromHead = repo.store.ancestors(head.sha);
    const ahead = [...fromHead].filter((s) => !fromBase.has(s)).reverse();
    const behindBy = [...fromBase].filter((s) => !fromHead.has(s)).length;
    const status =
      base.sha === head.sha ? "identical" : behindBy === 0 ? "ahead" : ahead.length === 0 ? "behind" : "diverged";
    const commits = ahead.map((s) => {
      const c = commitJson(repo, repo.store.commit(s)!);
      return {
        sha: s,
        node_id: c.node_id,
        html_url: c.html_url,
        commit: { message: c.message, author: c.author, committer: c.committer, tree: c.tree },
        parents: c.parents,
      };
    });
    return ok({
      url: `${API}/repos/${repo.fullName}/compare/${baseRef}...${headRef}`,
      html_url: `${WEB}/${repo.fullName}/compare/${baseRef}...${headRef}`,
      base_commit: { sha: base.sha, commit: { message: base.message } },
      merge_base_commit: mergeBase ? { sha: mergeBase } : null,
      status,
      ahead_by: ahead.length,
      behind_by: behindBy,
      total_commits: ahead.length,
      commits,
      files: diffFiles(repo, mergeBase ? repo.store.commit(mergeBase)?.tree : undefined, head.tree),
    });
  });
}
