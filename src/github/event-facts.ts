/**
 * One GraphQL read per event for what were several REST reads: the org config, the manifest at the
 * commits an event plans, the pull requests of the commit, a pull request's reviews, and (for a merge)
 * the check already on it.
 * The answers are handed to the unchanged REST-shaped readers through a client that serves exactly
 * those reads (same route, same owner/repo/path/ref) and sends every other request to GitHub: the
 * flows keep their safety checks, and whatever the query could not answer for sure — a truncated or
 * binary blob, a second page, a query GitHub refused — is simply read over REST as before.
 */
import { DEFAULT_CONFIG } from "../config/load.js";
import { CHECK_NAME } from "./check-run.js";
import type { GitHub, Repo } from "./client.js";
import { PULL_REQUEST_FACTS_QUERY, PUSH_FACTS_QUERY } from "./event-facts-queries.js";
import { ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "./org-config.js";

interface Warn {
  warn(obj: object, msg?: string): void;
}

interface BlobFacts {
  oid: string;
  isBinary: boolean | null;
  isTruncated: boolean;
  text: string | null;
}

interface FileFacts {
  file: { object: BlobFacts | Record<string, never> | null } | null;
}

interface PullFacts {
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  mergedAt: string | null;
  headRefOid: string;
  headRefName: string;
  headRepository: { nameWithOwner: string } | null;
  baseRefOid: string;
  baseRefName: string;
  mergeCommit: { oid: string } | null;
  potentialMergeCommit: ({ oid: string } & FileFacts) | null;
}

interface PullConnection {
  pageInfo: { hasNextPage: boolean };
  nodes: PullFacts[];
}

interface CheckFacts {
  databaseId: number;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: { totalCount: number } | null;
}

interface ReviewFacts {
  author: { __typename: string; login: string } | null;
  state: string;
  commit: { oid: string } | null;
}

/** A review as `GET pulls/{n}/reviews` lists it; GraphQL names a bot without REST's `[bot]`. */
function restReview(review: ReviewFacts) {
  const login = review.author ? (review.author.__typename === "Bot" ? `${review.author.login}[bot]` : review.author.login) : null;
  return { user: login === null ? null : { login }, state: review.state, commit_id: review.commit?.oid ?? null };
}

interface GitActorFacts {
  name: string | null;
  email: string | null;
  date: string | null;
}

interface CommitFacts {
  oid: string;
  url: string;
  message: string;
  tree: { oid: string };
  author: GitActorFacts | null;
  committer: GitActorFacts | null;
  signature: { isValid: boolean; state: string; signature: string; payload: string } | null;
}

/** GraphQL's GitSignatureState as REST's `verification.reason` spells it. */
const SIGNATURE_REASONS: Record<string, string> = { MALFORMED_SIG: "malformed_signature", UNKNOWN_SIG_TYPE: "unknown_signature_type" };

/** A commit as `GET git/commits/{sha}` shows it (API urls aside; GitHub's GraphQL schema has no `verified_at`: null). */
function restCommit(commit: CommitFacts, parents: Array<{ oid: string }>) {
  const signature = commit.signature;
  return {
    sha: commit.oid,
    html_url: commit.url,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree.oid },
    message: commit.message,
    parents: parents.map((p) => ({ sha: p.oid })),
    verification: signature
      ? { verified: signature.isValid, reason: SIGNATURE_REASONS[signature.state] ?? signature.state.toLowerCase(), signature: signature.signature, payload: signature.payload, verified_at: null }
      : { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

interface OrgConfigFacts {
  defaultBranchRef: { target: FileFacts | null } | null;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ type?: string; path?: Array<string | number>; message: string }>;
}

/** What a served read answers: the file's text and blob sha, or that it does not exist (REST's 404). */
type FileAnswer = { text: string; sha: string } | "absent";

/** The reads one event's query answered, keyed like the REST requests they stand for. */
class Answers {
  readonly files = new Map<string, FileAnswer>();
  readonly pulls = new Map<string, unknown[]>();
  readonly checks = new Map<string, unknown>();
  readonly reviews = new Map<string, unknown[]>();
  readonly commits = new Map<string, unknown>();

  static pullKey(repo: Repo, number: number): string {
    return `${repo.owner}/${repo.repo}#${number}`.toLowerCase();
  }

  static fileKey(repo: Repo, path: string, ref: string | undefined): string {
    // Owner and name are case-insensitive on GitHub; a path in git is not.
    return `${`${repo.owner}/${repo.repo}`.toLowerCase()}@${ref ?? ""}:${path}`;
  }

  static commitKey(repo: Repo, sha: string): string {
    return `${repo.owner}/${repo.repo}@${sha}`.toLowerCase();
  }

  /** A file at a commit (or, without `ref`, at the default branch), when the query saw it whole. */
  file(repo: Repo, path: string, ref: string | undefined, facts: FileFacts | null | undefined, commitFound = true): void {
    const key = Answers.fileKey(repo, path, ref);
    // No such commit, or no file at the path: REST answers 404.
    if (!commitFound || !facts?.file) {
      this.files.set(key, "absent");
      return;
    }
    const object = facts.file.object;
    // A directory or submodule at the path, a truncated or binary blob: REST says what it is.
    if (!object || !("oid" in object) || object.isTruncated || object.isBinary || object.text === null) return;
    this.files.set(key, { text: object.text, sha: object.oid });
  }

  /** The pull requests of a commit, REST-shaped, when the query saw them all. */
  pullsOf(repo: Repo, sha: string, connection: PullConnection | undefined, manifest: string): void {
    if (!connection || connection.pageInfo.hasNextPage) return;
    this.pulls.set(Answers.commitKey(repo, sha), connection.nodes.map(restPull));
    for (const pull of connection.nodes) {
      const merge = pull.potentialMergeCommit;
      if (pull.state === "OPEN" && merge) this.file(repo, manifest, merge.oid, merge);
    }
  }
}

/** A pull request as `GET commits/{sha}/pulls` lists it (the fields Paved reads). */
function restPull(pull: PullFacts) {
  return {
    number: pull.number,
    state: pull.state === "OPEN" ? "open" : "closed",
    merged_at: pull.mergedAt,
    head: { sha: pull.headRefOid, ref: pull.headRefName, repo: pull.headRepository ? { full_name: pull.headRepository.nameWithOwner } : null },
    base: { sha: pull.baseRefOid, ref: pull.baseRefName },
    // As REST: the test merge commit of an open pull request, the merge of a merged one.
    merge_commit_sha: pull.state === "OPEN" ? (pull.potentialMergeCommit?.oid ?? null) : (pull.mergeCommit?.oid ?? null),
  };
}

function restCheck(check: CheckFacts) {
  return {
    id: check.databaseId,
    status: check.status.toLowerCase(),
    conclusion: check.conclusion?.toLowerCase() ?? null,
    external_id: check.externalId,
    output: { title: check.title, summary: check.summary, text: check.text, annotations_count: check.annotations?.totalCount ?? 0 },
  };
}

const notFound = () => Object.assign(new Error("Not Found (answered by the event's GraphQL read)"), { status: 404 });

/** GraphQL is served at `/graphql` on github.com and at `/api/graphql` on GitHub Enterprise (REST: `/api/v3`). */
function graphqlBaseUrl(gh: GitHub): string | undefined {
  const base = (gh.request as { endpoint?: { DEFAULTS?: { baseUrl?: string } } }).endpoint?.DEFAULTS?.baseUrl;
  return base?.replace(/\/api\/v3\/?$/, "/api");
}

/** Fields GitHub may answer NOT_FOUND for without the rest being in doubt: no `<org>/.github`, no such pull request. */
const MAY_BE_MISSING = new Set(["orgConfig", "repository.pullRequest"]);

/**
 * Runs the query; null when GitHub refused it or answered with any other error (then every read goes
 * over REST, which fails as it always did). `missing`: the fields GitHub said do not exist.
 */
async function ask<T>(gh: GitHub, query: string, variables: Record<string, unknown>, log: Warn): Promise<{ data: T; missing: Set<string> } | null> {
  try {
    const base = graphqlBaseUrl(gh);
    const { data: answer } = (await gh.request("POST /graphql", { query, variables, ...(base ? { baseUrl: base } : {}) })) as { data: GraphQLAnswer<T> };
    const errors = answer.errors ?? [];
    const pathOf = (e: (typeof errors)[number]) => (e.path ?? []).join(".");
    const tolerated = (e: (typeof errors)[number]) => e.type === "NOT_FOUND" && MAY_BE_MISSING.has(pathOf(e));
    const others = errors.filter((e) => !tolerated(e));
    if (others.length > 0 || !answer.data) {
      log.warn({ errors: others.map((e) => e.message) }, "the event's GraphQL read failed; reading over REST");
      return null;
    }
    return { data: answer.data, missing: new Set(errors.map(pathOf)) };
  } catch (error) {
    log.warn({ err: error }, "the event's GraphQL read failed; reading over REST");
    return null;
  }
}

function orgConfig(answers: Answers, org: string, facts: OrgConfigFacts | null | undefined, noOrgConfig: boolean): void {
  const repo = { owner: org, repo: ORG_CONFIG_REPO };
  // No `.github` repository, or an empty one: REST answers 404 for both.
  if (noOrgConfig || facts?.defaultBranchRef === null) return answers.file(repo, ORG_CONFIG_PATH, undefined, null, false);
  if (facts?.defaultBranchRef?.target) answers.file(repo, ORG_CONFIG_PATH, undefined, facts.defaultBranchRef.target);
}

export interface PullRequestFactsInput {
  repo: Repo;
  number: number;
  headSha: string;
  baseSha: string;
  log: Warn;
}

/** A client for one pull-request event whose reads of the org config, the manifests and the head's pull requests were made in one query. */
export async function withPullRequestFacts(gh: GitHub, input: PullRequestFactsInput): Promise<GitHub> {
  const { repo } = input;
  const manifest = DEFAULT_CONFIG.manifest;
  type Data = {
    orgConfig: OrgConfigFacts | null;
    repository: {
      head: (FileFacts & { associatedPullRequests: PullConnection }) | null;
      base: FileFacts | null;
      pullRequest: { reviews: { pageInfo: { hasNextPage: boolean }; nodes: ReviewFacts[] } } | null;
    } | null;
  };
  const answer = await ask<Data>(
    gh,
    PULL_REQUEST_FACTS_QUERY,
    { owner: repo.owner, name: repo.repo, org: repo.owner, configRepo: ORG_CONFIG_REPO, configPath: ORG_CONFIG_PATH, head: input.headSha, base: input.baseSha, manifest, number: input.number },
    input.log,
  );
  if (!answer?.data.repository) return gh;
  const answers = new Answers();
  orgConfig(answers, repo.owner, answer.data.orgConfig, answer.missing.has("orgConfig"));
  const { head, base, pullRequest } = answer.data.repository;
  answers.file(repo, manifest, input.headSha, head, head !== null);
  answers.file(repo, manifest, input.baseSha, base, base !== null);
  if (head) answers.pullsOf(repo, input.headSha, head.associatedPullRequests, manifest);
  if (pullRequest && !pullRequest.reviews.pageInfo.hasNextPage) answers.reviews.set(Answers.pullKey(repo, input.number), pullRequest.reviews.nodes.map(restReview));
  return serving(gh, answers);
}

export interface PushFactsInput {
  repo: Repo;
  after: string;
  log: Warn;
}

/** A client for one push whose reads of the org config, the manifest, the merged pull request and the check were made in one query. */
export async function withPushFacts(gh: GitHub, input: PushFactsInput): Promise<GitHub> {
  const { repo } = input;
  const manifest = DEFAULT_CONFIG.manifest;
  type MergedPullFacts = PullFacts & {
    reviews: { pageInfo: { hasNextPage: boolean }; nodes: ReviewFacts[] };
    commits: { nodes: Array<{ commit: { oid: string } & FileFacts }> };
  };
  type Data = {
    orgConfig: OrgConfigFacts | null;
    repository: {
      after: (FileFacts &
        CommitFacts & {
        parents: { pageInfo: { hasNextPage: boolean }; nodes: Array<{ oid: string } & FileFacts> };
        associatedPullRequests: PullConnection & { nodes: MergedPullFacts[] };
        checkSuites: { pageInfo: { hasNextPage: boolean }; nodes: Array<{ checkRuns: { nodes: CheckFacts[] } | null }> } }) | null;
    } | null;
  };
  const answer = await ask<Data>(
    gh,
    PUSH_FACTS_QUERY,
    { owner: repo.owner, name: repo.repo, org: repo.owner, configRepo: ORG_CONFIG_REPO, configPath: ORG_CONFIG_PATH, after: input.after, manifest, checkName: CHECK_NAME },
    input.log,
  );
  if (!answer?.data.repository) return gh;
  const answers = new Answers();
  orgConfig(answers, repo.owner, answer.data.orgConfig, answer.missing.has("orgConfig"));
  const { after } = answer.data.repository;
  answers.file(repo, manifest, input.after, after, after !== null);
  if (after) {
    answers.pullsOf(repo, input.after, after.associatedPullRequests, manifest);
    // What the approval gate compares: the manifest at the merge's first parent and at the merged pull request's final head, and its reviews.
    for (const parent of after.parents.nodes) answers.file(repo, manifest, parent.oid, parent);
    if (!after.parents.pageInfo.hasNextPage) answers.commits.set(Answers.commitKey(repo, input.after), restCommit(after, after.parents.nodes));
    for (const pull of after.associatedPullRequests.nodes) {
      const last = pull.commits.nodes[0]?.commit;
      if (last && last.oid === pull.headRefOid) answers.file(repo, manifest, last.oid, last);
      if (!pull.reviews.pageInfo.hasNextPage) answers.reviews.set(Answers.pullKey(repo, pull.number), pull.reviews.nodes.map(restReview));
    }
    if (!after.checkSuites.pageInfo.hasNextPage) {
      // The newest run named Paved across the commit's suites, as REST's `check_name` filter lists it first.
      const runs = after.checkSuites.nodes.flatMap((suite) => suite.checkRuns?.nodes ?? []).sort((a, b) => b.databaseId - a.databaseId);
      answers.checks.set(Answers.commitKey(repo, input.after), { total_count: runs.length, check_runs: runs.slice(0, 1).map(restCheck) });
    }
  }
  return serving(gh, answers);
}

type Params = Record<string, unknown>;
const ok = (data: unknown) => ({ status: 200, url: "", headers: {}, data });

/** The served REST reads: a file (contents API), the pushed commit, and the commit's check listing (once). */
function answerOf(answers: Answers, route: string, params: Params): (() => unknown) | undefined {
  const repo = { owner: String(params.owner), repo: String(params.repo) };
  if (route === "GET /repos/{owner}/{repo}/contents/{path}" && Object.keys(params).every((k) => ["owner", "repo", "path", "ref"].includes(k))) {
    const file = answers.files.get(Answers.fileKey(repo, String(params.path), params.ref as string | undefined));
    if (file === undefined) return undefined;
    return () => {
      if (file === "absent") throw notFound();
      return ok({ type: "file", encoding: "base64", path: params.path, sha: file.sha, size: Buffer.byteLength(file.text), content: Buffer.from(file.text, "utf8").toString("base64") });
    };
  }
  if (route === "GET /repos/{owner}/{repo}/git/commits/{commit_sha}" && Object.keys(params).every((k) => ["owner", "repo", "commit_sha"].includes(k))) {
    const commit = answers.commits.get(Answers.commitKey(repo, String(params.commit_sha)));
    return commit === undefined ? undefined : () => ok(commit);
  }
  if (route === "GET /repos/{owner}/{repo}/commits/{ref}/check-runs" && params.check_name === CHECK_NAME) {
    const key = Answers.commitKey(repo, String(params.ref));
    const listing = answers.checks.get(key);
    if (listing === undefined) return undefined;
    // Once: a later look (a lost creation's answer, a re-check) must see GitHub as it is then.
    answers.checks.delete(key);
    return () => ok(listing);
  }
  return undefined;
}

function serving(gh: GitHub, answers: Answers): GitHub {
  const request = Object.assign(async (route: unknown, params?: Params) => {
    const answer = typeof route === "string" ? answerOf(answers, route, params ?? {}) : undefined;
    return answer ? answer() : gh.request(route as never, params as never);
  }, gh.request);
  const paginate = Object.assign(async (route: unknown, params?: Params, ...rest: unknown[]) => {
    if (route === "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls" && rest.length === 0 && params) {
      const listed = answers.pulls.get(Answers.commitKey({ owner: String(params.owner), repo: String(params.repo) }, String(params.commit_sha)));
      if (listed) return listed;
    }
    if (route === "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews" && rest.length === 0 && params) {
      const listed = answers.reviews.get(Answers.pullKey({ owner: String(params.owner), repo: String(params.repo) }, Number(params.pull_number)));
      if (listed) return listed;
    }
    return (gh.paginate as unknown as (...args: unknown[]) => Promise<unknown>)(route, params, ...rest);
  }, gh.paginate);
  return { request, paginate } as unknown as GitHub;
}
