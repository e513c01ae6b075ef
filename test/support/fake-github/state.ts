/** The in-memory world behind the fake: repositories with their refs, pulls, comments, check runs. */
import { ObjectStore, type Commit, type Person } from "./git.js";
import { API, WEB, notFound } from "./http.js";

export interface AppInfo {
  id: number;
  slug: string;
  installationId: number;
}

export interface PullState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** `repo` is the head repository's full name (a fork when it differs from the base repository). */
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string };
  /** The label names on the pull request now (what `GET pulls/{n}` answers; a webhook payload may be older). */
  labels: string[];
}

export interface ReviewState {
  id: number;
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface ReactionState {
  id: number;
  user: string;
  content: string;
  createdAt: string;
}

export interface CommentState {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionState[];
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  actions: unknown[];
  /** How many PATCHes this run received. */
  updates: number;
}

export interface DeploymentStatusState {
  id: number;
  state: string;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  targetUrl: string;
  createdAt: string;
}

export interface DeploymentState {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  autoMerge: boolean;
  requiredContexts: string[] | undefined;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  createdAt: string;
  statuses: DeploymentStatusState[];
}

export interface RepoState {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  /** `null`: the app is not installed on this repository. */
  installationId: number | null;
  store: ObjectStore;
  /** Full ref name ("refs/heads/main") → commit sha. */
  refs: Map<string, string>;
  pulls: Map<number, PullState>;
  reviews: Map<number, ReviewState[]>;
  comments: CommentState[];
  issueReactions: Map<number, ReactionState[]>;
  checkRuns: CheckRunState[];
  deployments: DeploymentState[];
  /** Pushes and other ref changes, newest first, as the repository activity API lists them. */
  activity: ActivityState[];
  nextNumber: number;
}

/** Repository roles, weakest first; `permission` in the collaborator API folds maintain→write, triage→read. */
export const ROLES = ["read", "triage", "write", "maintain", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface ActivityState {
  id: number;
  before: string;
  after: string;
  ref: string;
  timestamp: string;
  activityType: "push" | "force_push" | "branch_creation" | "branch_deletion" | "pr_merge";
  actor: string;
}

export type RefHook = (update: { ref: string; sha: string; force: boolean }) => void | Promise<void>;

const START = Date.parse("2024-01-01T00:00:00Z");

/** Stable numeric id for a login, so user objects look the same in every test. */
function userId(login: string): number {
  let h = 7;
  for (const ch of login) h = (h * 31 + ch.charCodeAt(0)) % 9_000_000;
  return 1_000_000 + h;
}

export class World {
  readonly repos = new Map<string, RepoState>();
  /** org → team slug → login → role */
  readonly teams = new Map<string, Map<string, Map<string, "member" | "maintainer">>>();
  readonly refHooks = new Map<string, Array<{ hook: RefHook; left: number }>>();
  /** repository (lower case) → team slug → role the team has on it */
  readonly teamRoles = new Map<string, Map<string, Role>>();
  /** repository (lower case) → login → role granted directly */
  readonly collaborators = new Map<string, Map<string, Role>>();
  /** token → the login GitHub attributes its writes to (default: the app's bot) */
  readonly tokenLogins = new Map<string, string>();
  /** `<base sha>...<head sha>` → the test merge commit GitHub computed for it (null: conflicts) */
  readonly testMerges = new Map<string, string | null>();
  private seconds = 0;
  private nextId = 1000;

  constructor(readonly app: AppInfo) {}

  /** A deterministic clock: every call is one second later than the last, from 2024-01-01T00:00:00Z. */
  /** When the fake's clock starts; each timestamp it hands out is a second later than the last. */
  start = START;

  now(): string {
    return new Date(this.start + 1000 * this.seconds++).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  id(): number {
    return this.nextId++;
  }

  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  /** Who a request's token writes as: a mapped login (`identify`), else the app's bot. */
  loginOf(token: string | undefined): string {
    return (token && this.tokenLogins.get(token)) || this.botLogin;
  }

  /** The strongest role a user has on a repository: directly, or through a team they belong to. */
  roleOf(repo: RepoState, login: string): Role | undefined {
    const key = repo.fullName.toLowerCase();
    const roles: Role[] = [];
    const direct = this.collaborators.get(key)?.get(login.toLowerCase());
    if (direct) roles.push(direct);
    for (const [team, role] of this.teamRoles.get(key) ?? []) {
      if (this.teams.get(repo.owner.toLowerCase())?.get(team)?.has(login.toLowerCase())) roles.push(role);
    }
    return roles.sort((a, b) => ROLES.indexOf(b) - ROLES.indexOf(a))[0];
  }

  /** The identity GitHub gives commits the app creates without a custom author. */
  botPerson(date: string): Person {
    return { name: this.botLogin, email: `${userId(this.botLogin)}+${this.botLogin}@users.noreply.github.com`, date };
  }

  repo(fullName: string): RepoState {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw notFound();
    return repo;
  }

  /** Resolves a branch, tag, full ref ("refs/heads/x", "heads/x") or commit sha to a commit sha. */
  resolve(repo: RepoState, ref: string): string | undefined {
    for (const name of [ref, `refs/${ref}`, `refs/heads/${ref}`, `refs/tags/${ref}`]) {
      const sha = repo.refs.get(name);
      if (sha) return sha;
    }
    return repo.store.commit(ref) ? ref : undefined;
  }

  commitOf(repo: RepoState, ref: string): Commit | undefined {
    const sha = this.resolve(repo, ref);
    return sha ? repo.store.commit(sha) : undefined;
  }

  /** Moves a ref and keeps open pull requests whose head is that branch in step (like a push). */
  setRef(repo: RepoState, ref: string, sha: string, actor = this.botLogin, kind?: ActivityState["activityType"]): void {
    const before = repo.refs.get(ref);
    repo.refs.set(ref, sha);
    const branch = ref.replace(/^refs\/heads\//, "");
    if (branch === ref) return;
    const activityType = kind ?? (!before ? "branch_creation" : repo.store.isAncestor(before, sha) ? "push" : "force_push");
    repo.activity.unshift({ id: this.id(), before: before ?? "0".repeat(40), after: sha, ref, timestamp: this.now(), activityType, actor });
    for (const r of this.repos.values()) {
      for (const pr of r.pulls.values()) {
        if (pr.state !== "open") continue;
        if (pr.head.repo.toLowerCase() === repo.fullName.toLowerCase() && pr.head.ref === branch) {
          r.store.copyFrom(repo.store, sha);
          pr.head.sha = sha;
          r.refs.set(`refs/pull/${pr.number}/head`, sha);
        }
        if (r === repo && pr.base.ref === branch) pr.base.sha = sha;
      }
    }
  }

  // ---- JSON shapes -------------------------------------------------------------------------

  userJson(login: string, type?: "User" | "Bot" | "Organization") {
    const id = userId(login);
    return {
      login,
      id,
      node_id: nodeId("U", id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      url: `${API}/users/${encodeURIComponent(login)}`,
      html_url: `${WEB}/${login.replace(/\[bot\]$/, "")}`,
      type: type ?? (login.endsWith("[bot]") ? "Bot" : "User"),
      site_admin: false,
    };
  }

  appJson() {
    return {
      id: this.app.id,
      slug: this.app.slug,
      node_id: nodeId("A", this.app.id),
      name: this.app.slug,
      owner: this.userJson("acme", "Organization"),
      html_url: `${WEB}/apps/${this.app.slug}`,
      description: "",
      external_url: "https://example.com",
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      permissions: {
        checks: "write",
        contents: "write",
        pull_requests: "write",
        issues: "write",
        deployments: "write",
        metadata: "read",
        members: "read",
      },
      events: ["pull_request", "push", "check_run", "issue_comment"],
    };
  }

  installationJson(id: number, account: string) {
    return {
      id,
      account: this.userJson(account, "Organization"),
      app_id: this.app.id,
      app_slug: this.app.slug,
      target_id: userId(account),
      target_type: "Organization",
      repository_selection: "all",
      access_tokens_url: `${API}/app/installations/${id}/access_tokens`,
      repositories_url: `${API}/installation/repositories`,
      html_url: `${WEB}/organizations/${account}/settings/installations/${id}`,
      permissions: this.appJson().permissions,
      events: this.appJson().events,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      single_file_name: null,
      suspended_at: null,
    };
  }

  repoJson(repo: RepoState) {
    return {
      id: repo.id,
      node_id: nodeId("R", repo.id),
      name: repo.name,
      full_name: repo.fullName,
      private: repo.private,
      visibility: repo.private ? "private" : "public",
      owner: this.userJson(repo.owner, "Organization"),
      html_url: `${WEB}/${repo.fullName}`,
      description: null,
      fork: false,
      url: `${API}/repos/${repo.fullName}`,
      git_url: `git://github.com/${repo.fullName}.git`,
      clone_url: `${WEB}/${repo.fullName}.git`,
      default_branch: repo.defaultBranch,
      archived: false,
      disabled: false,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      pushed_at: "2024-01-01T00:00:00Z",
    };
  }

  /** A repository object for a pull request's head, which may be a fork unknown to the fake. */
  headRepoJson(fullName: string, baseRepo: RepoState) {
    const known = this.repos.get(fullName.toLowerCase());
    if (known) return { ...this.repoJson(known), fork: known !== baseRepo };
    const [owner = "", name = ""] = fullName.split("/");
    const id = userId(fullName);
    return {
      ...this.repoJson({ ...baseRepo, id, owner, name, fullName, defaultBranch: "main" }),
      fork: true,
    };
  }
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}_${id}`).toString("base64").replace(/=+$/, "");
}
