/**
 * app.yml grants what the code needs, checked against what GitHub documents: every webhook event the
 * app subscribes to or handles (its `app.on` calls, recorded by loading it), and every REST endpoint the
 * source calls (the route strings of `request()` and `paginate()` anywhere in src/), must be covered by a
 * permission in app.yml. A new `request("POST /…")` or `app.on("…")` cannot ship without its permission.
 *
 * Where the permissions come from:
 * - events: `@octokit/openapi-webhooks` states them in each webhook's summary ("To subscribe to this
 *   event, a GitHub App must have at least read-level access for the "Issues" repository permission.");
 * - GraphQL (`POST /graphql`): each query Paved sends is walked over GitHub's published schema
 *   (@octokit/graphql-schema) and every object type it reads maps to the permission of the REST
 *   endpoints that read the same thing (GRAPHQL_TYPE_PERMISSIONS); a query may not mutate;
 * - endpoints: `@octokit/openapi` says which endpoints exist for GitHub Apps, their category, and for a few
 *   the permission in prose ("must have the `checks:write` permission"). It carries no structured
 *   permission for the rest, so CATEGORY_PERMISSIONS below restates GitHub's "Permissions required for
 *   GitHub Apps" per API category; an endpoint in a category it does not list fails the test until
 *   someone looks the permission up.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { getNamedType, isObjectType, parse as parseGraphQL, TypeInfo, visit, visitWithTypeInfo } from "graphql";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import paved from "../../src/app/index.js";
import * as graphqlQueries from "../../src/github/event-facts-queries.js";
import { githubGraphQLSchema } from "../support/fake-github/graphql.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const require = createRequire(import.meta.url);

type Level = "read" | "write" | "admin";
const RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };

interface AppManifest {
  default_events: string[];
  default_permissions: Record<string, Level>;
}

interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  "x-github": { category: string; subcategory: string; enabledForGitHubApps?: boolean };
}

const rest = require("@octokit/openapi/generated/api.github.com.json") as { paths: Record<string, Record<string, Operation>> };
const webhooks = require("@octokit/openapi-webhooks/generated/api.github.com.json") as {
  webhooks: Record<string, { post: Operation }>;
};

/** Each entry: permissions needed together; `a|b` means either one. The level follows the method. */
const CATEGORY_PERMISSIONS: Record<string, string[]> = {
  "checks/runs": ["checks"],
  "commits/commits": ["contents", "pull_requests"], // pull requests associated with a commit
  "deployments/deployments": ["deployments"],
  "deployments/statuses": ["deployments"],
  "git/*": ["contents"],
  "issues/comments": ["issues|pull_requests"], // a pull request's conversation is its issue
  "pulls/*": ["pull_requests"],
  "reactions/reactions": ["issues|pull_requests"],
  "repos/contents": ["contents"],
  "repos/repos": ["metadata"],
  "teams/members": ["members"],
  "teams/teams": ["members"], // a team's permission on a repository (`owner` is verified)
  "collaborators/collaborators": ["metadata"], // a commenter's permission (/paved commands)
  "apps/apps": [], // GET /app: authenticated as the app itself (its JWT), no installation permission
  "issues/issues": ["issues"], // the drift issue in the GitOps repository
};

/**
 * What reading each GraphQL object type needs, as the REST endpoints that read the same thing
 * (`a|b`: either). A query reading a type not listed fails the test until someone looks it up.
 */
const GRAPHQL_TYPE_PERMISSIONS: Record<string, string[]> = {
  Query: [],
  PageInfo: [],
  Repository: ["metadata"], // repos/repos
  Ref: ["contents"], // git/refs
  Commit: ["contents"], // git/commits
  CommitConnection: ["contents"],
  Tree: ["contents"], // git/trees
  GitActor: ["contents"], // a commit's author and committer
  GitSignature: ["contents"], // a commit's verification
  GpgSignature: ["contents"],
  PullRequestCommit: ["pull_requests"], // pulls/{n}/commits
  PullRequestCommitConnection: ["pull_requests"],
  TreeEntry: ["contents"], // repos/contents
  Blob: ["contents"], // git/blobs
  PullRequest: ["pull_requests"], // pulls/*, commits/{sha}/pulls
  PullRequestConnection: ["pull_requests"],
  PullRequestReview: ["pull_requests"], // pulls/reviews
  PullRequestReviewConnection: ["pull_requests"],
  Actor: [], // a review's author, as REST's `user`
  User: [],
  Bot: [],
  CheckSuite: ["checks"], // checks/suites
  CheckSuiteConnection: ["checks"],
  CheckRun: ["checks"], // checks/runs
  CheckRunConnection: ["checks"],
  CheckAnnotationConnection: ["checks"],
};

/** The permissions a GraphQL query needs: the object types it reads, walked over GitHub's schema. */
function graphqlNeeds(name: string, query: string): Need[] | string[] {
  const document = parseGraphQL(query);
  const problems: string[] = [];
  const types = new Set<string>();
  const typeInfo = new TypeInfo(githubGraphQLSchema());
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition(node) {
        if (node.operation !== "query") problems.push(`${name}: a ${node.operation}, not a query: list what it writes here`);
      },
      Field() {
        const parent = typeInfo.getParentType();
        const type = getNamedType(typeInfo.getType());
        if (parent) types.add(parent.name);
        if (type && isObjectType(type)) types.add(type.name);
      },
    }),
  );
  const needs: Need[] = [];
  for (const type of [...types].sort()) {
    const entry = GRAPHQL_TYPE_PERMISSIONS[type];
    if (entry === undefined) problems.push(`${name} reads the GraphQL type ${type}: look up its permission and add it to GRAPHQL_TYPE_PERMISSIONS and app.yml`);
    else needs.push(...entry.map((names) => ({ what: `${name} (${type})`, anyOf: names.split("|"), level: "read" as Level, source: "GRAPHQL_TYPE_PERMISSIONS" })));
  }
  return problems.length > 0 ? problems : needs;
}

const GRAPHQL_QUERIES = Object.entries(graphqlQueries).filter((entry): entry is [string, string] => typeof entry[1] === "string");

/**
 * Routes Paved calls as the app itself, with its JWT (GitHub describes them as not for installation
 * tokens, "You must use a JWT"): the Argo CD receiver finds the installation of the GitOps repository.
 */
const APP_JWT_ROUTES = new Set(["GET /repos/{owner}/{repo}/installation"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** `"GET /repos/{owner}/{repo}/…"` route strings, as octokit's request() and paginate() take them. */
function routesCalled(texts: readonly string[]): string[] {
  const routes = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/["'`](GET|POST|PUT|PATCH|DELETE) (\/[^"'`\s]*)["'`]/g)) routes.add(`${match[1]} ${match[2]}`);
  }
  return [...routes].sort();
}

/** The event names (without their actions) the app subscribes to: its `app.on` calls, recorded by running it. */
function eventsHandled(app: (probot: never) => void): string[] {
  const events = new Set<string>();
  const recorder = new Proxy({}, {
    get: (_target, property) =>
      property === "on"
        ? (names: string | string[]) => {
            for (const name of [names].flat()) events.add(name.split(".")[0]!);
          }
        : () => undefined,
  });
  app(recorder as never);
  return [...events].sort();
}

/** "Pull requests" → pull_requests, as app.yml spells permissions. */
function permissionKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

/** The permission GitHub documents for subscribing to a webhook event (every action says the same). */
function eventPermission(event: string): string | undefined {
  const stated = Object.values(webhooks.webhooks)
    .map((hook) => hook.post)
    .filter((op) => op["x-github"].subcategory === event)
    .map((op) => /must have at least read-level access for the "([^"]+)" repository permission/.exec(`${op.summary ?? ""} ${op.description ?? ""}`)?.[1])
    .find((name) => name !== undefined);
  return stated === undefined ? undefined : permissionKey(stated);
}

interface Need {
  /** What needs it: an event or a route. */
  what: string;
  /** Alternatives: any one of them at `level` is enough. */
  anyOf: string[];
  level: Level;
  source: string;
}

function endpointNeeds(route: string): Need[] | string {
  const [method, path] = route.split(" ") as [string, string];
  // GraphQL: what its queries read (graphqlNeeds), not the endpoint.
  if (route === "POST /graphql") return [];
  const operation = rest.paths[path]?.[method.toLowerCase()];
  if (!operation) return `${route}: not in GitHub's REST description (@octokit/openapi): a typo, or an endpoint GitHub removed`;
  if (operation["x-github"].enabledForGitHubApps === false && !APP_JWT_ROUTES.has(route)) return `${route}: GitHub Apps cannot call it`;
  const stated = [...(operation.description ?? "").matchAll(/`([a-z_]+):(read|write)` permission/g)];
  if (stated.length > 0) {
    return stated.map((m) => ({ what: route, anyOf: [m[1]!], level: m[2] as Level, source: `${operation.operationId}'s description` }));
  }
  const { category, subcategory } = operation["x-github"];
  const entry = CATEGORY_PERMISSIONS[`${category}/${subcategory}`] ?? CATEGORY_PERMISSIONS[`${category}/*`];
  if (!entry) return `${route} (${operation.operationId}, category ${category}/${subcategory}): look up its permission and add it to CATEGORY_PERMISSIONS and app.yml`;
  const level: Level = method === "GET" ? "read" : "write";
  return entry.map((names) => ({ what: route, anyOf: names.split("|"), level, source: `category ${category}/${subcategory}` }));
}

/** Every need app.yml does not meet, as a sentence. */
function missingPermissions(manifest: AppManifest, events: readonly string[], routes: readonly string[], queries: ReadonlyArray<[string, string]> = []): string[] {
  const problems: string[] = [];
  const needs: Need[] = [];
  for (const [name, query] of queries) {
    const found = graphqlNeeds(name, query);
    if (found.length > 0 && typeof found[0] === "string") problems.push(...(found as string[]));
    else needs.push(...(found as Need[]));
  }
  for (const event of events) {
    if (!manifest.default_events.includes(event)) problems.push(`the app handles \`${event}\` but app.yml does not subscribe to it`);
  }
  for (const event of new Set([...events, ...manifest.default_events])) {
    const permission = eventPermission(event);
    if (permission === undefined) problems.push(`event \`${event}\`: @octokit/openapi-webhooks documents no permission for it`);
    else needs.push({ what: `event ${event}`, anyOf: [permission], level: "read", source: "@octokit/openapi-webhooks" });
  }
  for (const route of routes) {
    const found = endpointNeeds(route);
    if (typeof found === "string") problems.push(found);
    else needs.push(...found);
  }
  for (const need of needs) {
    const met = need.anyOf.some((name) => {
      const granted = manifest.default_permissions[name];
      return granted !== undefined && RANK[granted] >= RANK[need.level];
    });
    if (!met) problems.push(`${need.what} needs \`${need.anyOf.join("` or `")}: ${need.level}\` (${need.source}); app.yml does not grant it`);
  }
  return problems;
}

/** Routes the portal calls with the signed-in person's own token (src/github/portal-access.ts). */
const USER_TOKEN_ROUTES = ["GET /user", "GET /user/installations", "GET /user/installations/{installation_id}/repositories"];

const appYml = readFileSync(join(ROOT, "app.yml"), "utf8");
const manifest = parseYaml(appYml) as AppManifest;
const texts = sourceFiles(join(ROOT, "src")).map((file) => readFileSync(file, "utf8"));
const appEvents = eventsHandled(paved);

describe("app.yml against GitHub's documented permissions", () => {
  it("finds what the code uses (so the check below is not vacuous)", () => {
    expect(appEvents).toEqual(["check_run", "deployment_status", "issue_comment", "merge_group", "pull_request", "pull_request_review", "push"]);
    const routes = routesCalled(texts);
    expect(routes).toContain("POST /repos/{owner}/{repo}/git/trees");
    expect(routes).toContain("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions");
    expect(routes.length).toBeGreaterThan(20);
  });

  it("grants every permission the events and endpoints need", () => {
    const asApp = routesCalled(texts).filter((route) => !USER_TOKEN_ROUTES.includes(route));
    expect(missingPermissions(manifest, appEvents, asApp, GRAPHQL_QUERIES)).toEqual([]);
  });

  it("sends GraphQL only from the event-facts adapter, and checks each query it sends", () => {
    const files = sourceFiles(join(ROOT, "src"));
    const callers = files.filter((file) => readFileSync(file, "utf8").includes(`"POST /graphql"`)).map((file) => file.slice(ROOT.length));
    expect(callers).toEqual(["src/github/event-facts.ts"]);
    expect(GRAPHQL_QUERIES.map(([name]) => name).sort()).toEqual(["PULL_REQUEST_FACTS_QUERY", "PUSH_FACTS_QUERY"]);
    const needs = GRAPHQL_QUERIES.flatMap(([name, query]) => graphqlNeeds(name, query) as Need[]);
    expect(new Set(needs.flatMap((n) => n.anyOf))).toEqual(new Set(["metadata", "contents", "pull_requests", "checks"]));
  });

  it("calls the signed-in person's endpoints only from the portal's sign-in, with their own token", () => {
    // These take a user access token (the portal's GitHub sign-in), so what the person may read
    // decides, not app.yml; an installation token could not call them at all.
    const files = sourceFiles(join(ROOT, "src"));
    for (const route of USER_TOKEN_ROUTES) {
      const callers = files.filter((file) => readFileSync(file, "utf8").includes(`"${route}"`)).map((file) => file.slice(ROOT.length));
      expect(callers, route).toEqual(["src/github/portal-access.ts"]);
    }
  });

  it("reads the event permissions from @octokit/openapi-webhooks", () => {
    expect(eventPermission("issue_comment")).toBe("issues");
    expect(eventPermission("merge_group")).toBe("merge_queues");
    expect(eventPermission("pull_request_review")).toBe("pull_requests");
  });

  it("fails when a permission is missing (issue_comment without issues: read), a call is new, or an event is unsubscribed", () => {
    const { issues: _issues, ...withoutIssues } = manifest.default_permissions;
    expect(missingPermissions({ ...manifest, default_permissions: withoutIssues }, ["issue_comment"], [])).toEqual([
      "event issue_comment needs `issues: read` (@octokit/openapi-webhooks); app.yml does not grant it",
    ]);
    const readOnly = { ...manifest, default_permissions: { ...manifest.default_permissions, checks: "read" as Level } };
    expect(missingPermissions(readOnly, [], ["POST /repos/{owner}/{repo}/check-runs"])).toEqual([
      "POST /repos/{owner}/{repo}/check-runs needs `checks: write` (checks/create's description); app.yml does not grant it",
    ]);
    expect(missingPermissions(manifest, [], ["GET /repos/{owner}/{repo}/actions/secrets"])[0]).toMatch(/look up its permission/);
    const { checks: _checks, ...withoutChecks } = manifest.default_permissions;
    expect(missingPermissions({ ...manifest, default_permissions: withoutChecks }, [], [], GRAPHQL_QUERIES.filter(([name]) => name === "PUSH_FACTS_QUERY"))).toContain(
      "PUSH_FACTS_QUERY (CheckRun) needs `checks: read` (GRAPHQL_TYPE_PERMISSIONS); app.yml does not grant it",
    );
    expect(missingPermissions(manifest, [], [], [["Q", 'query { organization(login: "acme") { name } }']])).toEqual([
      "Q reads the GraphQL type Organization: look up its permission and add it to GRAPHQL_TYPE_PERMISSIONS and app.yml",
    ]);
    expect(missingPermissions(manifest, [], [], [["M", "mutation { addStar(input: { starrableId: \"x\" }) { clientMutationId } }"]])[0]).toMatch(/a mutation, not a query/);
    expect(missingPermissions(manifest, [], ["GET /repos/{owner}/{repo}/no-such-thing"])[0]).toMatch(/not in GitHub's REST description/);
    const { merge_queues: _queues, ...withoutQueues } = manifest.default_permissions;
    const noQueue = { default_events: manifest.default_events.filter((e) => e !== "merge_group"), default_permissions: withoutQueues };
    expect(missingPermissions(noQueue, ["merge_group"], [])).toEqual([
      "the app handles `merge_group` but app.yml does not subscribe to it",
      "event merge_group needs `merge_queues: read` (@octokit/openapi-webhooks); app.yml does not grant it",
    ]);
  });
});
