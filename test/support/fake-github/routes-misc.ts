/** App installations and tokens, team memberships, deployments and their statuses. */
import {
  API,
  created,
  errorBody,
  HttpError,
  notFound,
  ok,
  paginate,
  requireFields,
  unprocessable,
  validationFailed,
  type Req,
  type Router,
} from "./http.js";
import { nodeId, ROLES, type Role, type DeploymentState, type DeploymentStatusState, type RepoState, type World } from "./state.js";

const DEPLOYMENT_STATES = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];

function deploymentJson(world: World, repo: RepoState, d: DeploymentState) {
  const url = `${API}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId("DE", d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: world.userJson(world.botLogin),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: `${API}/repos/${repo.fullName}`,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: world.appJson(),
  };
}

function statusJson(world: World, repo: RepoState, d: DeploymentState, s: DeploymentStatusState) {
  const url = `${API}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url: `${url}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DES", s.id),
    state: s.state,
    creator: world.userJson(world.botLogin),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: url,
    repository_url: `${API}/repos/${repo.fullName}`,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
    performed_via_github_app: world.appJson(),
  };
}

export function miscRoutes(router: Router, world: World): void {
  const repoOf = (req: Req) => world.repo(`${req.params.owner}/${req.params.repo}`);
  const installationOf = (owner: string) => {
    const repo = [...world.repos.values()].find(
      (r) => r.owner.toLowerCase() === owner.toLowerCase() && r.installationId !== null,
    );
    if (!repo) throw notFound();
    return world.installationJson(repo.installationId!, repo.owner);
  };
  const installed = (id: number) => [...world.repos.values()].find((r) => r.installationId === id);

  // ---- the app and its installations ----
  router.on("GET", "/app", () => ok(world.appJson()));
  router.on("GET", "/app/installations", (req) => {
    const byId = new Map<number, RepoState>();
    for (const r of world.repos.values()) if (r.installationId !== null && !byId.has(r.installationId)) byId.set(r.installationId, r);
    return paginate(
      req,
      [...byId.values()].map((r) => world.installationJson(r.installationId!, r.owner)),
    );
  });
  router.on("GET", "/app/installations/:id", (req) => {
    const repo = installed(Number(req.params.id));
    if (!repo) throw notFound();
    return ok(world.installationJson(repo.installationId!, repo.owner));
  });
  router.on("POST", "/app/installations/:id/access_tokens", (req) => {
    if (!installed(Number(req.params.id))) throw notFound();
    return created({
      token: `ghs_fake_installation_token_${req.params.id}`,
      expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      permissions: world.appJson().permissions,
      repository_selection: "all",
    });
  });
  router.on("GET", "/repos/:owner/:repo/installation", (req) => {
    const repo = repoOf(req);
    if (repo.installationId === null) throw notFound();
    return ok(world.installationJson(repo.installationId, repo.owner));
  });
  router.on("GET", "/orgs/:org/installation", (req) => ok(installationOf(req.params.org!)));
  router.on("GET", "/users/:user/installation", (req) => ok(installationOf(req.params.user!)));

  // ---- teams ----
  router.on("GET", "/orgs/:org/teams/:team/memberships/:username", (req) => {
    const { org, team, username } = req.params as { org: string; team: string; username: string };
    const role = world.teams.get(org.toLowerCase())?.get(team.toLowerCase())?.get(username.toLowerCase());
    if (!role) throw notFound();
    return ok({ url: `${API}/organizations/1/team/1/memberships/${username}`, role, state: "active" });
  });

  // Whether a team has a role on a repository: 404 when none; 204, or the repository with the
  // team's `permissions` when asked for `application/vnd.github.v3.repository+json`.
  router.on("GET", "/orgs/:org/teams/:team/repos/:owner/:repo", (req) => {
    const { org, team } = req.params as { org: string; team: string };
    if (!world.teams.get(org.toLowerCase())?.has(team.toLowerCase())) throw notFound();
    const repo = repoOf(req);
    const role = world.teamRoles.get(repo.fullName.toLowerCase())?.get(team.toLowerCase());
    if (!role) throw notFound();
    if (!/application\/vnd\.github\.v3\.repository\+json/.test(req.headers.accept ?? "")) return { status: 204 };
    const at = (r: Role) => ROLES.indexOf(role) >= ROLES.indexOf(r);
    return ok({
      ...world.repoJson(repo),
      role_name: role,
      permissions: { admin: at("admin"), maintain: at("maintain"), push: at("write"), triage: at("triage"), pull: true },
    });
  });

  // A user's permission on a repository: maintain reads as write and triage as read, as on GitHub.
  router.on("GET", "/repos/:owner/:repo/collaborators/:username/permission", (req) => {
    const repo = repoOf(req);
    const login = req.params.username!;
    const role = world.roleOf(repo, login);
    const permission = role === "maintain" ? "write" : role === "triage" ? "read" : (role ?? "none");
    return ok({ permission, role_name: role ?? "none", user: world.userJson(login) });
  });

  // Repository activity: pushes with who made them, newest first.
  router.on("GET", "/repos/:owner/:repo/activity", (req) => {
    const repo = repoOf(req);
    const q = req.query;
    const ref = q.ref ? (q.ref.startsWith("refs/") ? q.ref : `refs/heads/${q.ref}`) : undefined;
    const list = repo.activity
      .filter((a) => (!ref || a.ref === ref) && (!q.activity_type || a.activityType === q.activity_type) && (!q.actor || a.actor === q.actor))
      .map((a) => ({
        id: a.id,
        node_id: nodeId("AC", a.id),
        before: a.before,
        after: a.after,
        ref: a.ref,
        timestamp: a.timestamp,
        activity_type: a.activityType,
        actor: world.userJson(a.actor),
      }));
    return paginate(req, q.direction === "asc" ? list.reverse() : list);
  });

  // ---- deployments ----
  router.on("POST", "/repos/:owner/:repo/deployments", (req) => {
    const repo = repoOf(req);
    requireFields(req.body, ["ref"]);
    const body = req.body as {
      ref: string;
      task?: string;
      auto_merge?: boolean;
      required_contexts?: string[];
      payload?: unknown;
      environment?: string;
      description?: string | null;
      transient_environment?: boolean;
      production_environment?: boolean;
    };
    const sha = world.resolve(repo, body.ref);
    if (!sha) throw unprocessable(`No ref found for: ${body.ref}`);
    const autoMerge = body.auto_merge ?? true;
    // auto_merge (the default) would merge the default branch into an outdated branch: refuse instead.
    const branchHead = repo.refs.get(`refs/heads/${body.ref}`);
    const defaultHead = repo.refs.get(`refs/heads/${repo.defaultBranch}`);
    if (autoMerge && branchHead && defaultHead && !repo.store.isAncestor(defaultHead, branchHead)) {
      throw new HttpError(409, errorBody(409, `Conflict merging ${repo.defaultBranch} into ${body.ref}.`));
    }
    // Without required_contexts every check on the commit must have succeeded.
    if (body.required_contexts === undefined) {
      const failing = repo.checkRuns.filter(
        (r) => r.headSha === sha && !["success", "neutral", "skipped"].includes(r.conclusion ?? ""),
      );
      if (failing.length > 0) {
        throw new HttpError(
          409,
          errorBody(409, `Conflict: Commit status checks failed for ${body.ref}.`, {
            errors: failing.map((r) => ({
              contexts: [{ context: r.name, state: r.conclusion ?? "pending" }],
              resource: "Deployment",
              field: "required_contexts",
              code: "invalid",
            })),
          }),
        );
      }
    }
    let payload = body.payload ?? {};
    if (typeof payload === "string") {
      try {
        payload = JSON.parse(payload);
      } catch {
        throw validationFailed("Deployment", "payload", "invalid");
      }
    }
    const environment = body.environment ?? "production";
    const d: DeploymentState = {
      id: world.id(),
      sha,
      ref: body.ref,
      task: body.task ?? "deploy",
      environment,
      description: body.description ?? null,
      payload,
      autoMerge,
      requiredContexts: body.required_contexts,
      transientEnvironment: body.transient_environment ?? false,
      productionEnvironment: body.production_environment ?? environment === "production",
      createdAt: world.now(),
      statuses: [],
    };
    repo.deployments.push(d);
    return created(deploymentJson(world, repo, d));
  });

  router.on("GET", "/repos/:owner/:repo/deployments", (req) => {
    const repo = repoOf(req);
    const q = req.query;
    const list = repo.deployments
      .filter(
        (d) =>
          (!q.sha || d.sha === q.sha) &&
          (!q.ref || d.ref === q.ref) &&
          (!q.task || d.task === q.task) &&
          (!q.environment || d.environment === q.environment),
      )
      .sort((a, b) => b.id - a.id);
    return paginate(
      req,
      list.map((d) => deploymentJson(world, repo, d)),
    );
  });

  const deploymentOf = (req: Req) => {
    const repo = repoOf(req);
    const d = repo.deployments.find((x) => String(x.id) === req.params.id);
    if (!d) throw notFound();
    return { repo, d };
  };
  router.on("GET", "/repos/:owner/:repo/deployments/:id", (req) => {
    const { repo, d } = deploymentOf(req);
    return ok(deploymentJson(world, repo, d));
  });
  router.on("POST", "/repos/:owner/:repo/deployments/:id/statuses", (req) => {
    const { repo, d } = deploymentOf(req);
    requireFields(req.body, ["state"]);
    const body = req.body as {
      state: string;
      target_url?: string;
      log_url?: string;
      description?: string;
      environment?: string;
      environment_url?: string;
    };
    if (!DEPLOYMENT_STATES.includes(body.state)) throw validationFailed("DeploymentStatus", "state", "invalid");
    const s: DeploymentStatusState = {
      id: world.id(),
      state: body.state,
      description: body.description ?? "",
      environment: body.environment ?? d.environment,
      environmentUrl: body.environment_url ?? "",
      logUrl: body.log_url ?? body.target_url ?? "",
      targetUrl: body.log_url ?? body.target_url ?? "",
      createdAt: world.now(),
    };
    d.statuses.push(s);
    return created(statusJson(world, repo, d, s));
  });
  router.on("GET", "/repos/:owner/:repo/deployments/:id/statuses", (req) => {
    const { repo, d } = deploymentOf(req);
    return paginate(
      req,
      [...d.statuses].reverse().map((s) => statusJson(world, repo, d, s)),
    );
  });
}
