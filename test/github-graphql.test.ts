import { schema as githubSchema } from "@octokit/graphql-schema";
import { buildSchema, parse, validate } from "graphql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Octokit } from "octokit";
import { PULL_REQUEST_FACTS_QUERY, PUSH_FACTS_QUERY } from "../src/github/event-facts-queries.js";
import { withPullRequestFacts, withPushFacts } from "../src/github/event-facts.js";
import { readFileAt } from "../src/github/read-file.js";
import { FakeGitHub } from "./support/fake-github.js";
import { githubGraphQLSchema } from "./support/fake-github/graphql.js";
import { BLOB_TEXT_LIMIT } from "./support/fake-github/graphql-resolvers.js";

const QUERIES = { PULL_REQUEST_FACTS_QUERY, PUSH_FACTS_QUERY };
const quiet = { warn: () => undefined };

describe("the GraphQL queries Paved sends", () => {
  it.each(Object.entries(QUERIES))("%s is valid against GitHub's published schema, as introspection and as SDL", (_name, query) => {
    expect(validate(githubGraphQLSchema(), parse(query)).map((e) => e.message)).toEqual([]);
    // The SDL names a few fields twice (graphql-js refuses that unless told to assume it valid).
    expect(validate(buildSchema(githubSchema.idl, { assumeValidSDL: true }), parse(query)).map((e) => e.message)).toEqual([]);
  });

  it("the schema check can fail: a field GitHub does not have is rejected", () => {
    const wrong = PUSH_FACTS_QUERY.replace("externalId", "externalIdentifier");
    expect(validate(githubGraphQLSchema(), parse(wrong)).map((e) => e.message)).toEqual([expect.stringContaining('Cannot query field "externalIdentifier" on type "CheckRun"')]);
  });
});

describe("the fake's POST /graphql", () => {
  let fake: FakeGitHub;
  let gh: Octokit;

  beforeEach(() => {
    fake = new FakeGitHub().install();
    gh = new Octokit({ auth: "t", retry: { enabled: false }, throttle: { enabled: false } });
  });

  afterEach(() => fake.uninstall());

  async function ask(query: string, variables: Record<string, unknown> = {}) {
    return (await gh.request("POST /graphql", { query, variables })).data as { data?: unknown; errors?: Array<{ message: string; type?: string }> };
  }

  it("executes a query over the fake's state, counted as one call", async () => {
    const sha = fake.addRepo("acme/app", { files: { "platform.yaml": "name: app\n" } });
    const before = fake.calls.length;
    const answer = await ask(`query { repository(owner: "acme", name: "app") { defaultBranchRef { name target { ... on Commit { oid file(path: "platform.yaml") { object { ... on Blob { text isTruncated } } } } } } } }`);
    expect(answer).toEqual({ data: { repository: { defaultBranchRef: { name: "main", target: { oid: sha, file: { object: { text: "name: app\n", isTruncated: false } } } } } } });
    expect(fake.calls.length - before).toBe(1);
  });

  it("fails loudly on a field it does not implement, never a silent null", async () => {
    fake.addRepo("acme/app");
    await expect(ask(`query { repository(owner: "acme", name: "app") { description } }`)).rejects.toMatchObject({ status: 500 });
    expect(fake.unhandled).toMatchObject([{ method: "POST", path: "/graphql", error: expect.stringContaining("the fake GitHub does not implement Repository.description") }]);
  });

  it("rejects what GitHub rejects: an unknown field, a connection without `first`, more than 100", async () => {
    fake.addRepo("acme/app");
    expect((await ask(`query { repository(owner: "acme", name: "app") { nope } }`)).errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    const pulls = (first: string) => `query { repository(owner: "acme", name: "app") { pullRequests${first} { totalCount } } }`;
    expect((await ask(pulls(""))).errors?.[0]?.message).toMatch(/must provide a `first` or `last`/);
    expect((await ask(pulls("(first: 101)"))).errors?.[0]?.message).toMatch(/exceeds the `first` limit of 100/);
  });

  it("says NOT_FOUND for a repository that does not exist", async () => {
    const answer = await ask(`query { repository(owner: "acme", name: "gone") { nameWithOwner } }`);
    expect(answer).toMatchObject({ data: { repository: null }, errors: [{ type: "NOT_FOUND" }] });
  });

  it("pages with first/after like GitHub", async () => {
    fake.addRepo("acme/app");
    for (let i = 0; i < 3; i++) {
      fake.commit("acme/app", `b${i}`, { files: { [`f${i}`]: "x" } });
      fake.addPull("acme/app", { head: { ref: `b${i}` } });
    }
    const page = (after: string) => ask(`query { repository(owner: "acme", name: "app") { pullRequests(first: 2${after}) { nodes { number } pageInfo { hasNextPage endCursor } } } }`);
    const one = (await page("")) as { data: { repository: { pullRequests: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } } };
    expect(one.data.repository.pullRequests.nodes).toHaveLength(2);
    expect(one.data.repository.pullRequests.pageInfo.hasNextPage).toBe(true);
    const two = (await page(`, after: "${one.data.repository.pullRequests.pageInfo.endCursor}"`)) as typeof one;
    expect(two.data.repository.pullRequests.nodes).toHaveLength(1);
    expect(two.data.repository.pullRequests.pageInfo.hasNextPage).toBe(false);
  });
});

describe("an event's reads served from its one GraphQL query", () => {
  let fake: FakeGitHub;
  let gh: Octokit;

  beforeEach(() => {
    fake = new FakeGitHub().install();
    gh = new Octokit({ auth: "t", retry: { enabled: false }, throttle: { enabled: false } });
  });

  afterEach(() => {
    expect(fake.unhandled).toEqual([]);
    fake.uninstall();
  });

  it("serves the org config and the manifests without another call, and the config only from the default branch", async () => {
    fake.addRepo("acme/.github", { files: { ".github/paved.yml": "gitops:\n  repository: acme/gitops\n" } });
    fake.commit("acme/.github", "weaker", { files: { ".github/paved.yml": "weaker: true\n" } });
    fake.addPull("acme/.github", { head: { ref: "weaker" } });
    const base = fake.addRepo("acme/app", { files: { "platform.yaml": "name: base\n" } });
    const head = fake.commit("acme/app", "feature", { files: { "platform.yaml": "name: head\n" } });
    const pr = fake.addPull("acme/app", { head: { ref: "feature" } });
    fake.addReview("acme/app", pr.number, { user: "alice", state: "APPROVED", commit_id: head });
    fake.addReview("acme/app", pr.number, { user: "renovate[bot]", state: "COMMENTED", commit_id: head });
    const from = fake.calls.length;
    const served = await withPullRequestFacts(gh, { repo: { owner: "acme", repo: "app" }, number: pr.number, headSha: head, baseSha: base, log: quiet });
    expect(await readFileAt(served, { owner: "acme", repo: ".github" }, ".github/paved.yml")).toBe("gitops:\n  repository: acme/gitops\n");
    expect(await readFileAt(served, { owner: "acme", repo: "app" }, "platform.yaml", head)).toBe("name: head\n");
    expect(await readFileAt(served, { owner: "acme", repo: "app" }, "platform.yaml", base)).toBe("name: base\n");
    expect(await served.paginate("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { owner: "acme", repo: "app", commit_sha: head, per_page: 100 })).toMatchObject([
      { number: pr.number, state: "open", head: { sha: head, ref: "feature", repo: { full_name: "acme/app" } }, base: { ref: "main", sha: base }, merge_commit_sha: fake.testMerge("acme/app", pr.number) },
    ]);
    expect(await served.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { owner: "acme", repo: "app", pull_number: pr.number, per_page: 100 })).toEqual([
      { user: { login: "alice" }, state: "APPROVED", commit_id: head },
      { user: { login: "renovate[bot]" }, state: "COMMENTED", commit_id: head },
    ]);
    expect(fake.calls.slice(from).map((c) => `${c.method} ${c.path}`)).toEqual(["POST /graphql"]);
  });

  it("answers a missing org config and a missing manifest as REST does (null), and reads anything else over REST", async () => {
    const base = fake.addRepo("acme/app", { files: { "README.md": "hi\n" } });
    const served = await withPullRequestFacts(gh, { repo: { owner: "acme", repo: "app" }, number: 1, headSha: base, baseSha: base, log: quiet });
    const from = fake.calls.length;
    expect(await readFileAt(served, { owner: "acme", repo: ".github" }, ".github/paved.yml")).toBeNull();
    expect(await readFileAt(served, { owner: "acme", repo: "app" }, "platform.yaml", base)).toBeNull();
    expect(fake.calls.length).toBe(from);
    expect(await readFileAt(served, { owner: "acme", repo: "app" }, "README.md", base)).toBe("hi\n");
    expect(fake.calls.slice(from).map((c) => `${c.method} ${c.path}`)).toEqual(["GET /repos/acme/app/contents/README.md"]);
  });

  it("reads a manifest GitHub's GraphQL truncates over REST", async () => {
    const big = `name: big\n# ${"x".repeat(BLOB_TEXT_LIMIT)}\n`;
    const sha = fake.addRepo("acme/app", { files: { "platform.yaml": big } });
    const served = await withPullRequestFacts(gh, { repo: { owner: "acme", repo: "app" }, number: 1, headSha: sha, baseSha: sha, log: quiet });
    const from = fake.calls.length;
    expect(await readFileAt(served, { owner: "acme", repo: "app" }, "platform.yaml", sha)).toBe(big);
    expect(fake.calls.slice(from).map((c) => `${c.method} ${c.path}`)).toEqual(["GET /repos/acme/app/contents/platform.yaml"]);
  });

  it("asks GitHub Enterprise at /api/graphql (its REST is under /api/v3)", async () => {
    const sha = fake.addRepo("acme/app", { files: { "platform.yaml": "name: app\n" } });
    const server = await fake.serve();
    try {
      const ghe = new Octokit({ auth: "t", baseUrl: server.baseUrl, retry: { enabled: false }, throttle: { enabled: false } });
      const served = await withPullRequestFacts(ghe, { repo: { owner: "acme", repo: "app" }, number: 1, headSha: sha, baseSha: sha, log: quiet });
      const from = fake.calls.length;
      expect(await readFileAt(served, { owner: "acme", repo: "app" }, "platform.yaml", sha)).toBe("name: app\n");
      expect(fake.calls.length).toBe(from);
      expect(fake.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /graphql"]);
    } finally {
      await server.close();
    }
  });

  it("falls back to REST for everything when the query fails", async () => {
    fake.addRepo("acme/.github", { files: { ".github/paved.yml": "x: 1\n" } });
    const sha = fake.addRepo("acme/app", { files: { "platform.yaml": "name: app\n" } });
    fake.failNext({ method: "POST", pathMatch: /^\/graphql$/, status: 502 });
    const served = await withPushFacts(gh, { repo: { owner: "acme", repo: "app" }, after: sha, log: quiet });
    const from = fake.calls.length;
    expect(await readFileAt(served, { owner: "acme", repo: ".github" }, ".github/paved.yml")).toBe("x: 1\n");
    expect(fake.calls.slice(from).map((c) => `${c.method} ${c.path}`)).toEqual(["GET /repos/acme/.github/contents/.github/paved.yml"]);
  });

  it("serves a merge's pull request, its reviews and the manifests the approval gate compares, in one call", async () => {
    const base = fake.addRepo("acme/app", { files: { "platform.yaml": "name: base\n" } });
    const head = fake.commit("acme/app", "feature", { files: { "platform.yaml": "name: head\n" } });
    const pr = fake.addPull("acme/app", { head: { ref: "feature" } });
    fake.addReview("acme/app", pr.number, { user: "alice", state: "APPROVED", commit_id: head });
    const after = fake.mergePull("acme/app", pr.number, "merge");
    const repo = { owner: "acme", repo: "app" };
    const { data: rest } = await gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...repo, commit_sha: after });
    const from = fake.calls.length;
    const served = await withPushFacts(gh, { repo: { owner: "acme", repo: "app" }, after, log: quiet });
    // The merge commit as REST shows it (API urls aside): the approval gate's first parent.
    expect((await served.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...repo, commit_sha: after })).data).toEqual({
      sha: rest.sha,
      html_url: rest.html_url,
      author: rest.author,
      committer: rest.committer,
      tree: { sha: rest.tree.sha },
      message: rest.message,
      parents: rest.parents.map((p) => ({ sha: p.sha })),
      verification: { ...rest.verification, verified_at: null },
    });
    expect(rest.parents.map((p) => p.sha)).toEqual([base, head]);
    expect(await served.paginate("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", { ...repo, commit_sha: after, per_page: 100 })).toMatchObject([
      { number: pr.number, state: "closed", merged_at: expect.any(String), merge_commit_sha: after, head: { sha: head }, base: { ref: "main" } },
    ]);
    expect(await served.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { ...repo, pull_number: pr.number, per_page: 100 })).toEqual([
      { user: { login: "alice" }, state: "APPROVED", commit_id: head },
    ]);
    expect(await readFileAt(served, repo, "platform.yaml", after)).toBe("name: head\n");
    expect(await readFileAt(served, repo, "platform.yaml", base)).toBe("name: base\n");
    expect(await readFileAt(served, repo, "platform.yaml", head)).toBe("name: head\n");
    expect(fake.calls.slice(from).map((c) => `${c.method} ${c.path}`)).toEqual(["POST /graphql"]);
  });

  it("serves the check listing of a push once: a later look asks GitHub", async () => {
    const sha = fake.addRepo("acme/app", { files: { "platform.yaml": "name: app\n" } });
    const output = { title: "Planned", summary: "2 changes", annotations: [{ path: "platform.yaml", start_line: 1, end_line: 1, annotation_level: "warning", message: "m" }] };
    await gh.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "app", name: "Other", head_sha: sha, status: "completed", conclusion: "success", output });
    await gh.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "app", name: "Paved", head_sha: sha, status: "completed", conclusion: "neutral", external_id: "d1", output });
    const rest = (await gh.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: "acme", repo: "app", ref: sha, check_name: "Paved", filter: "latest", per_page: 100 })).data;
    const served = await withPushFacts(gh, { repo: { owner: "acme", repo: "app" }, after: sha, log: quiet });
    const list = () => served.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner: "acme", repo: "app", ref: sha, check_name: "Paved", filter: "latest", per_page: 100 });
    const from = fake.calls.length;
    // What startCheck reads of it, as REST says it.
    const run = rest.check_runs[0]!;
    expect((await list()).data).toEqual({
      total_count: 1,
      check_runs: [{ id: run.id, status: run.status, conclusion: run.conclusion, external_id: run.external_id, output: { title: run.output.title, summary: run.output.summary, text: run.output.text, annotations_count: run.output.annotations_count } }],
    });
    expect(run).toMatchObject({ status: "completed", conclusion: "neutral", external_id: "d1", output: { annotations_count: 1 } });
    expect(fake.calls.length).toBe(from);
    await list();
    expect(fake.calls.slice(from).map((c) => `${c.method} ${c.path}`)).toEqual([`GET /repos/acme/app/commits/${sha}/check-runs`]);
  });
});
