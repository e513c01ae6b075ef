/**
 * A small stateful fake of the GitHub REST API, installed with nock on https://api.github.com.
 *
 * It keeps real git objects (blob/tree/commit shas are git's), refs, pull requests, reviews,
 * comments, check runs and deployments in memory, answers with the shapes and status codes GitHub
 * uses, records every call, and can inject faults or run a hook right before a ref update (to
 * simulate a concurrent writer). Requests no route handles get a 404 and land in `unhandled`.
 *
 *   const fake = new FakeGitHub();
 *   fake.install();
 *   fake.addRepo("acme/payments", { files: { "platform.yaml": "..." } });
 *   ...
 *   expect(fake.unhandled).toEqual([]);
 *   fake.uninstall();
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { blobSha, GitError, ObjectStore, type Commit } from "./fake-github/git.js";
import { API, errorBody, HttpError, Router, type Reply } from "./fake-github/http.js";
import { checkRoutes } from "./fake-github/routes-checks.js";
import { gitRoutes } from "./fake-github/routes-git.js";
import { graphqlRoutes } from "./fake-github/graphql.js";
import { miscRoutes } from "./fake-github/routes-misc.js";
import { People, userRoutes } from "./fake-github/routes-users.js";
import { issueRoutes, issuesOf, type IssueState } from "./fake-github/routes-issues.js";
import {
  addComment,
  addPull,
  addReview,
  mergePull,
  pullRoutes,
  queuePull,
  testMerge,
  type AddPullInput,
  type AddReviewInput,
} from "./fake-github/routes-pulls.js";
import {
  World,
  type AppInfo,
  type CheckRunState,
  type CommentState,
  type DeploymentState,
  type PullState,
  type RefHook,
  type RepoState,
  type ReviewState,
  type Role,
} from "./fake-github/state.js";

export { blobSha };
export type { IssueState };
export type {
  AddPullInput,
  AddReviewInput,
  CheckRunState,
  Commit,
  CommentState,
  DeploymentState,
  PullState,
  RefHook,
  RepoState,
  ReviewState,
};

export interface Call {
  method: string;
  /** Decoded path without the query ("/repos/acme/gitops/git/refs/heads/main"). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  /** Set when the response came from `failNext`. */
  injected?: boolean;
  /** The token the request was authenticated with (`authorization: token X` → X), to tell clients apart. */
  token?: string;
}

/**
 * Whether a call changes anything on GitHub: every method but GET, except a GraphQL query (a read
 * sent as POST /graphql; a mutation is a write).
 */
export function isWrite(call: Pick<Call, "method" | "path" | "body">): boolean {
  if (call.method === "GET") return false;
  if (call.path !== "/graphql") return true;
  const query = (call.body as { query?: unknown } | null)?.query;
  return typeof query !== "string" || !/^\s*(query\b|\{|fragment\b)/.test(query.replace(/^\s*#.*$/gm, ""));
}

export interface Unhandled {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Set when a route exists but the fake itself threw (a bug in the fake or a malformed request). */
  error?: string;
}

export interface CallFilter {
  method?: string;
  /** Exact decoded path, or a pattern tested against it. */
  path?: string | RegExp;
  status?: number;
}

export interface Fault {
  method?: string;
  pathMatch?: RegExp;
  /** Usually 500, 502, 403 or 429. */
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Delay {
  method?: string;
  pathMatch?: RegExp;
  ms: number;
  times?: number;
}

/**
 * Decides, per request that no `failNext`/`delayNext` matched, whether to inject a fault and/or a
 * delay: a test's seeded random faults. A delay is applied before the request is handled, so a client
 * that times out leaves the request to complete on "GitHub" anyway, as a lost response would.
 */
export type Chaos = (request: { method: string; path: string }) => { fault?: Fault; delayMs?: number } | undefined;

export interface AddRepoOptions {
  defaultBranch?: string;
  /** Files of the initial commit on the default branch (path → content). */
  files?: Record<string, string>;
  private?: boolean;
  /** The installation of the app on this repository's owner; `null` when the app is not installed. */
  installationId?: number | null;
}

export interface FileChanges {
  /** Paths to create or overwrite (path → content). */
  files?: Record<string, string>;
  /** Paths to delete; deleting a missing path throws, as the API would answer 422. */
  delete?: string[];
  /** Defaults to "Octo Cat <octocat@github.com>"; such commits are not verified. */
  author?: { name: string; email: string };
  /** Who pushed it, as the activity API reports (default "octocat"). */
  pusher?: string;
}

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"];
const SECONDARY_RATE_LIMIT =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID FAKE:0000.";

export class FakeGitHub {
  calls: Call[] = [];
  unhandled: Unhandled[] = [];
  private world: World;
  private router: Router;
  private faults: Array<Fault & { left: number }> = [];
  private delays: Array<Delay & { left: number }> = [];
  private requestHooks: Array<{ method?: string; pathMatch?: RegExp; left: number; hook: () => Promise<void> | void }> = [];
  private installed = false;
  private inFlight = 0;
  /** Consulted for every request no scripted fault or delay matched (see `Chaos`). */
  chaos: Chaos | undefined;
  /** People who sign in with the app's OAuth client, and what each can read. */
  readonly people = new People({ clientId: "Iv1.fakeclient", clientSecret: "fake-client-secret" });

  constructor(readonly app: AppInfo = { id: 1, slug: "paved", installationId: 1 }) {
    this.world = new World(app);
    this.router = this.buildRouter();
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Intercepts every request to api.github.com; only 127.0.0.1/localhost may reach the network. */
  install(): this {
    if (this.installed) return this;
    this.installed = true;
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host));
    const dispatch = this.dispatch.bind(this);
    for (const method of METHODS) {
      nock(API)
        .persist()
        .intercept(() => true, method)
        .reply(async function (uri, body) {
          return dispatch(method, uri, body, this.req.headers);
        });
    }
    return this;
  }

  /**
   * Also serves the fake over plain HTTP on loopback, under `/api/v3` as GitHub Enterprise does, for
   * an app running in a process of its own (`GHE_HOST=<host> GHE_PROTOCOL=http`). Pagination links
   * point back at it.
   */
  async serve(): Promise<{ host: string; baseUrl: string; close(): Promise<void> }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        // GitHub Enterprise serves REST under /api/v3 and GraphQL at /api/graphql (not /api/v3/graphql).
        if (/^\/api\/v3\/graphql\b/.test(req.url ?? "")) return void res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
        const uri = (req.url ?? "/").replace(/^\/api\/v3/, "").replace(/^\/api\/graphql/, "/graphql");
        void this.dispatch(req.method ?? "GET", uri, Buffer.concat(chunks).toString("utf8"), req.headers as Record<string, string>).then(
          ([status, text, headers]) => {
            const out = { ...headers, ...(headers.link ? { link: headers.link.replaceAll(API, baseUrl) } : {}) };
            if (!res.destroyed) res.writeHead(status, out).end(text);
          },
          () => !res.destroyed && res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const baseUrl = `http://${host}/api/v3`;
    return {
      host,
      baseUrl,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  uninstall(): void {
    this.installed = false;
    nock.cleanAll();
    nock.enableNetConnect();
  }

  /** Resolves once no request is being handled (delayed ones included): the state is final. */
  async idle(): Promise<void> {
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Forgets all state, calls, faults and hooks (interceptors stay installed). */
  reset(): void {
    this.world = new World(this.app);
    this.router = this.buildRouter();
    this.calls = [];
    this.unhandled = [];
    this.faults = [];
    this.delays = [];
    this.requestHooks = [];
    this.chaos = undefined;
  }

  // ---- observability -----------------------------------------------------------------------

  callCount(filter?: CallFilter | ((call: Call) => boolean)): number {
    return this.calls.filter((c) => matches(c, filter)).length;
  }

  // ---- fault injection ---------------------------------------------------------------------

  /**
   * The next `times` matching requests fail with `status`. Default bodies: 403/429 carry GitHub's
   * "secondary rate limit" message with `retry-after: 0`; 5xx carry "Server Error".
   * Note: @octokit/plugin-throttling reads `retry-after: 0` as "absent" and waits 60 s; pass
   * `headers: { "retry-after": "1" }` (or disable throttling) in tests that go through it.
   */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** The next `times` matching requests are answered `ms` later. */
  delayNext(delay: Delay): void {
    this.delays.push({ ...delay, left: delay.times ?? 1 });
  }

  /**
   * Runs `hook` (and waits for it) before the next `times` matching requests are handled (default 1):
   * a test plays what happens on GitHub between two of a job's calls, say a whole newer job.
   */
  beforeRequest(match: { method?: string; pathMatch?: RegExp; times?: number }, hook: () => Promise<void> | void): void {
    this.requestHooks.push({ ...match, left: match.times ?? 1, hook });
  }

  /**
   * Runs `hook` right before a `PATCH git/refs` on `repo` is checked and applied, for the next
   * `times` updates (default 1): a test can `fake.commit(...)` there to play a concurrent writer.
   * Returns a function that removes the hook.
   */
  beforeRefUpdate(repo: string, hook: RefHook, options: { times?: number } = {}): () => void {
    const key = this.repo(repo).fullName.toLowerCase();
    const entry = { hook, left: options.times ?? 1 };
    this.world.refHooks.set(key, [...(this.world.refHooks.get(key) ?? []), entry]);
    return () =>
      this.world.refHooks.set(
        key,
        (this.world.refHooks.get(key) ?? []).filter((h) => h !== entry),
      );
  }

  // ---- state set-up and inspection ---------------------------------------------------------

  /** Starts the fake's clock at `ms` (default 2024-01-01), for code that compares GitHub's times with its own clock. */
  startClockAt(ms: number): void {
    this.world.start = ms;
  }

  /** Creates a repository with one initial commit on its default branch; returns that commit's sha. */
  addRepo(fullName: string, options: AddRepoOptions = {}): string {
    const [owner, name] = fullName.split("/");
    if (!owner || !name) throw new Error(`addRepo: "${fullName}" is not owner/name`);
    const repo: RepoState = {
      id: this.world.id(),
      owner,
      name,
      fullName,
      private: options.private ?? false,
      defaultBranch: options.defaultBranch ?? "main",
      installationId: options.installationId === undefined ? this.app.installationId : options.installationId,
      store: new ObjectStore(),
      refs: new Map(),
      pulls: new Map(),
      reviews: new Map(),
      comments: [],
      issueReactions: new Map(),
      checkRuns: [],
      deployments: [],
      activity: [],
      nextNumber: 1,
    };
    if (this.world.repos.has(fullName.toLowerCase())) throw new Error(`addRepo: ${fullName} already exists`);
    this.world.repos.set(fullName.toLowerCase(), repo);
    return this.commit(fullName, repo.defaultBranch, { files: options.files ?? {} }, "Initial commit");
  }

  /**
   * Renames a repository as Settings → Rename does: same id, same history, a new name. (GitHub also
   * redirects the old name until a new repository takes it; nothing here relies on that.)
   */
  renameRepo(from: string, to: string): void {
    const repo = this.repo(from);
    const [owner, name] = to.split("/");
    if (!owner || !name) throw new Error(`renameRepo: "${to}" is not owner/name`);
    if (this.world.repos.has(to.toLowerCase())) throw new Error(`renameRepo: ${to} already exists`);
    this.world.repos.delete(from.toLowerCase());
    Object.assign(repo, { owner, name, fullName: to });
    this.world.repos.set(to.toLowerCase(), repo);
    // Access belongs to the repository, not its name: teams and collaborators keep their roles.
    for (const roles of [this.world.teamRoles, this.world.collaborators]) {
      const granted = roles.get(from.toLowerCase());
      roles.delete(from.toLowerCase());
      if (granted) roles.set(to.toLowerCase(), granted);
    }
  }

  /**
   * Pushes a commit to `branch` as someone else would (no hooks, not verified); a missing branch
   * starts from the default branch. Open pull requests on that branch follow. Returns the sha.
   */
  commit(repo: string, branch: string, changes: FileChanges, message = "Update files"): string {
    const r = this.repo(repo);
    const parent = r.refs.get(`refs/heads/${branch}`) ?? r.refs.get(`refs/heads/${r.defaultBranch}`);
    const base = parent ? r.store.commit(parent)!.tree : undefined;
    let tree: string;
    try {
      tree = r.store.applyChanges(base, [
        ...Object.entries(changes.files ?? {}).map(([path, content]) => ({
          path,
          entry: { mode: "100644", type: "blob" as const, sha: r.store.putBlob(content) },
        })),
        ...(changes.delete ?? []).map((path) => ({ path, entry: null })),
      ]);
    } catch (err) {
      throw err instanceof GitError ? new Error(`commit: ${err.message} (deleting a missing path?)`) : err;
    }
    const date = this.world.now();
    const who = { ...(changes.author ?? { name: "Octo Cat", email: "octocat@github.com" }), date };
    const c = r.store.putCommit({
      tree,
      parents: parent ? [parent] : [],
      message,
      author: who,
      committer: who,
      verified: false,
    });
    this.world.setRef(r, `refs/heads/${branch}`, c.sha, changes.pusher ?? "octocat");
    return c.sha;
  }

  /** Every file of the tree at `ref` (branch, tag or sha; default branch when omitted): path → content. */
  readTree(repo: string, ref?: string): Record<string, string> {
    const r = this.repo(repo);
    const c = this.world.commitOf(r, ref ?? r.defaultBranch);
    if (!c) throw new Error(`readTree: no commit for ${repo}@${ref}`);
    const out: Record<string, string> = {};
    for (const [path, e] of r.store.flatten(c.tree)) out[path] = r.store.blob(e.sha)?.toString("utf8") ?? "";
    return out;
  }

  headSha(repo: string, branch?: string): string {
    const r = this.repo(repo);
    const sha = r.refs.get(`refs/heads/${branch ?? r.defaultBranch}`);
    if (!sha) throw new Error(`headSha: no branch ${repo}:${branch}`);
    return sha;
  }

  /** A commit as stored (tree, parents, message, author, committer, verified). */
  getCommit(repo: string, ref: string): Commit {
    const r = this.repo(repo);
    const c = this.world.commitOf(r, ref);
    if (!c) throw new Error(`getCommit: no commit ${repo}@${ref}`);
    return c;
  }

  addPull(repo: string, input: AddPullInput): PullState {
    return addPull(this.world, this.repo(repo), input);
  }

  pull(repo: string, n: number): PullState {
    const pr = this.repo(repo).pulls.get(n);
    if (!pr) throw new Error(`pull: no pull request ${repo}#${n}`);
    return pr;
  }

  /** Merges like the merge button (merge commit, or squash); returns the new base-branch sha. */
  mergePull(repo: string, n: number, method: "merge" | "squash" = "merge", by = "octocat"): string {
    return mergePull(this.world, this.repo(repo), n, method, undefined, by);
  }

  /** The test merge commit GitHub would show for an open pull request now (null: it conflicts). */
  testMerge(repo: string, n: number): string | null {
    return testMerge(this.world, this.repo(repo), this.pull(repo, n));
  }

  /** Adds a pull request to the merge queue: a merge commit on GitHub's `gh-readonly-queue/...` branch (the base stays). */
  queuePull(repo: string, n: number): { headRef: string; headSha: string; baseRef: string; baseSha: string } {
    return queuePull(this.world, this.repo(repo), n);
  }

  addReview(repo: string, n: number, input: AddReviewInput): ReviewState {
    return addReview(this.world, this.repo(repo), n, input);
  }

  /** A comment written by someone (default "octocat") rather than by the app. */
  addComment(repo: string, issue: number, body: string, user = "octocat"): CommentState {
    return addComment(this.world, this.repo(repo), issue, body, user);
  }

  comments(repo: string, issue: number): CommentState[] {
    return this.repo(repo).comments.filter((c) => c.issue === issue);
  }

  checkRuns(repo: string, filter: { headSha?: string; name?: string } = {}): CheckRunState[] {
    return this.world
      .repo(repo)
      .checkRuns.filter(
        (r) => (!filter.headSha || r.headSha === filter.headSha) && (!filter.name || r.name === filter.name),
      );
  }

  deployments(repo: string): DeploymentState[] {
    return this.repo(repo).deployments;
  }

  /** Issues of a repository (not its pull requests), oldest first. */
  issues(repo: string): IssueState[] {
    return [...issuesOf(this.repo(repo)).values()].sort((a, b) => a.number - b.number);
  }

  /** Gives a team a role on a repository (what the team-repository endpoints report). */
  grantTeam(repo: string, team: string, role: Role = "write"): void {
    const key = this.repo(repo).fullName.toLowerCase();
    if (!this.world.teamRoles.has(key)) this.world.teamRoles.set(key, new Map());
    this.world.teamRoles.get(key)!.set(team.toLowerCase(), role);
    const org = this.repo(repo).owner.toLowerCase();
    if (!this.world.teams.get(org)?.has(team.toLowerCase())) {
      if (!this.world.teams.has(org)) this.world.teams.set(org, new Map());
      this.world.teams.get(org)!.set(team.toLowerCase(), new Map());
    }
  }

  /** Gives a user a role on a repository directly (an outside or direct collaborator). */
  addCollaborator(repo: string, user: string, role: Role = "write"): void {
    const key = this.repo(repo).fullName.toLowerCase();
    if (!this.world.collaborators.has(key)) this.world.collaborators.set(key, new Map());
    this.world.collaborators.get(key)!.set(user.toLowerCase(), role);
  }

  /** Writes made with `token` are attributed to `login` (say `github-actions[bot]` for a workflow token). */
  identify(token: string, login: string): void {
    this.world.tokenLogins.set(token, login);
  }

  addTeamMember(org: string, team: string, user: string, role: "member" | "maintainer" = "member"): void {
    const teams = this.world.teams;
    if (!teams.has(org.toLowerCase())) teams.set(org.toLowerCase(), new Map());
    const members = teams.get(org.toLowerCase())!;
    if (!members.has(team.toLowerCase())) members.set(team.toLowerCase(), new Map());
    members.get(team.toLowerCase())!.set(user.toLowerCase(), role);
  }

  /** The repository's whole state, for assertions the helpers above do not cover. */
  repoState(repo: string): RepoState {
    return this.repo(repo);
  }

  private repo(fullName: string): RepoState {
    const repo = this.world.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`fake-github: no repository ${fullName} (addRepo it first)`);
    return repo;
  }

  // ---- dispatch ----------------------------------------------------------------------------

  private buildRouter(): Router {
    const router = new Router();
    gitRoutes(router, this.world);
    pullRoutes(router, this.world);
    checkRoutes(router, this.world);
    miscRoutes(router, this.world);
    userRoutes(router, this.world, this.people);
    issueRoutes(router, this.world);
    graphqlRoutes(router, this.world);
    return router;
  }

  private async dispatch(method: string, uri: string, rawBody: unknown, headers: Record<string, string>) {
    this.inFlight++;
    try {
      return await this.handle(method, uri, rawBody, headers);
    } finally {
      this.inFlight--;
    }
  }

  private async handle(method: string, uri: string, rawBody: unknown, headers: Record<string, string>) {
    const url = new URL(uri, API);
    const path = safeDecode(url.pathname);
    const query = Object.fromEntries(url.searchParams);
    const body = parseBody(rawBody);
    const auth = lowerKeys(headers)["authorization"]?.replace(/^(token|bearer)\s+/i, "");
    const call: Call = { method, path, query, body, status: 0, ...(auth ? { token: auth } : {}) };
    this.calls.push(call);

    await take(this.requestHooks, method, path)?.hook();
    const scripted = take(this.delays, method, path);
    const chaotic = this.chaos?.({ method, path });
    const delayMs = scripted?.ms ?? chaotic?.delayMs;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));

    let reply: Reply;
    const fault = take(this.faults, method, path) ?? chaotic?.fault;
    if (fault) {
      call.injected = true;
      reply = faultReply(fault);
    } else {
      const route = this.router.match(method, url.pathname);
      if (!route) {
        this.unhandled.push({ method, path, query, body });
        reply = { status: 404, data: errorBody(404, "Not Found") };
      } else {
        try {
          reply = await route.handler({ method, path, params: route.params, query, body, headers: lowerKeys(headers) });
        } catch (err) {
          if (err instanceof HttpError) {
            reply = { status: err.status, data: err.body, headers: err.headers };
          } else {
            this.unhandled.push({ method, path, query, body, error: String((err as Error)?.stack ?? err) });
            reply = { status: 500, data: errorBody(500, `fake-github: ${String(err)}`) };
          }
        }
      }
    }
    call.status = reply.status;
    const responseHeaders = { ...standardHeaders(), ...reply.headers };
    if (reply.status === 204 || reply.data === undefined) return [reply.status, "", responseHeaders] as const;
    const text = typeof reply.data === "string" ? reply.data : JSON.stringify(reply.data);
    return [reply.status, text, responseHeaders] as const;
  }
}

function take<T extends { method?: string; pathMatch?: RegExp; left: number }>(
  list: T[],
  method: string,
  path: string,
): T | undefined {
  const found = list.find(
    (x) => x.left > 0 && (!x.method || x.method.toUpperCase() === method) && (!x.pathMatch || x.pathMatch.test(path)),
  );
  if (found) found.left--;
  return found;
}

function faultReply(fault: Fault): Reply {
  const rateLimited = fault.status === 403 || fault.status === 429;
  return {
    status: fault.status,
    data: fault.body ?? errorBody(fault.status, rateLimited ? SECONDARY_RATE_LIMIT : "Server Error"),
    headers: { ...(rateLimited ? { "retry-after": "0" } : {}), ...fault.headers },
  };
}

function matches(call: Call, filter?: CallFilter | ((call: Call) => boolean)): boolean {
  if (!filter) return true;
  if (typeof filter === "function") return filter(call);
  if (filter.method && filter.method.toUpperCase() !== call.method) return false;
  if (filter.status !== undefined && filter.status !== call.status) return false;
  if (typeof filter.path === "string") return filter.path === call.path;
  return !filter.path || filter.path.test(call.path);
}

function standardHeaders(): Record<string, string> {
  return {
    "content-type": "application/json; charset=utf-8",
    "x-github-api-version-selected": "2022-11-28",
    "x-github-request-id": "FAKE:0000",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-used": "1",
    "x-ratelimit-resource": "core",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
  };
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
