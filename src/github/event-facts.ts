/**
 * One GraphQL read per event for what were several REST reads: the org config, the manifest at the
 * commits an event plans, the pull requests of the commit, a pull request's reviews, and (for a merge)
 * the pushed commit and the check already on it.
 * The answers are handed to the unchanged REST-shaped readers through a client that serves exactly
 * those reads (served-reads.ts: same route, same owner/repo/path/ref) and sends every other request to GitHub: the
 * flows keep their safety checks, and whatever the query could not answer for sure — a truncated or
 * binary blob, a second page, a query GitHub refused — is simply read over REST as before.
 */
import type { Log } from "../core/log.js";
import { CHECK_NAME } from "./paved-check.js";
import type { GitHub, Repo } from "./client.js";
import { PULL_REQUEST_FACTS_QUERY, PUSH_FACTS_QUERY } from "./event-facts-queries.js";
import {
  restCheck,
  restCommit,
  restPull,
  restReview,
  type CheckFacts,
  type CommitFacts,
  type FileFacts,
  type OrgConfigFacts,
  type PullConnection,
  type PullFacts,
  type ReviewFacts,
} from "./event-facts-shapes.js";
import { DEFAULT_MANIFEST_PATH, ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "../settings/paths.js";
import { serving, ServedReads } from "./served-reads.js";

type Warn = Pick<Log, "warn">;

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ type?: string; path?: Array<string | number>; message: string }>;
}

/** A file at a commit (or, without `ref`, at the default branch), when the query saw it whole. */
function file(reads: ServedReads, repo: Repo, path: string, ref: string | undefined, facts: FileFacts | null | undefined, commitFound = true): void {
  const key = ServedReads.fileKey(repo, path, ref);
  // No such commit, or no file at the path: REST answers 404.
  if (!commitFound || !facts?.file) {
    reads.files.set(key, "absent");
    return;
  }
  const object = facts.file.object;
  // A directory or submodule at the path, a truncated or binary blob: REST says what it is.
  if (!object || !("oid" in object) || object.isTruncated || object.isBinary || object.text === null) return;
  reads.files.set(key, { text: object.text, sha: object.oid });
}

/** The pull requests of a commit, REST-shaped, when the query saw them all, and the manifest at each open one's test merge. */
function pullsOf(reads: ServedReads, repo: Repo, sha: string, connection: PullConnection | undefined, manifest: string): void {
  if (!connection || connection.pageInfo.hasNextPage) return;
  reads.pulls.set(ServedReads.commitKey(repo, sha), connection.nodes.map(restPull));
  for (const pull of connection.nodes) {
    const merge = pull.potentialMergeCommit;
    if (pull.state === "OPEN" && merge) file(reads, repo, manifest, merge.oid, merge);
  }
}

/**
 * GraphQL is at `/graphql` on github.com and at `/api/graphql` on GitHub Enterprise (whose REST is under
 * `/api/v3`). Given as the request's whole `url`, as @octokit/graphql does: the request keeps its REST
 * `baseUrl`, which the app's auth hook uses to fetch an installation token.
 */
function graphqlUrl(gh: GitHub): string | undefined {
  const base = (gh.request as { endpoint?: { DEFAULTS?: { baseUrl?: string } } }).endpoint?.DEFAULTS?.baseUrl;
  return base && /\/api\/v3\/?$/.test(base) ? base.replace(/\/api\/v3\/?$/, "/api/graphql") : undefined;
}

/** Fields GitHub may answer NOT_FOUND for without the rest being in doubt: no `<org>/.github`, no such pull request. */
const MAY_BE_MISSING = new Set(["orgConfig", "repository.pullRequest"]);

/**
 * Runs the query; null when GitHub refused it or answered with any other error (then every read goes
 * over REST, which fails as it always did). `missing`: the fields GitHub said do not exist.
 */
async function ask<T>(gh: GitHub, query: string, variables: Record<string, unknown>, log: Warn): Promise<{ data: T; missing: Set<string> } | null> {
  try {
    const url = graphqlUrl(gh);
    const { data: answer } = (await gh.request("POST /graphql", { query, variables, ...(url ? { url } : {}) })) as { data: GraphQLAnswer<T> };
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

function orgConfig(answers: ServedReads, org: string, facts: OrgConfigFacts | null | undefined, noOrgConfig: boolean): void {
  const repo = { owner: org, repo: ORG_CONFIG_REPO };
  // No `.github` repository, or an empty one: REST answers 404 for both.
  if (noOrgConfig || facts?.defaultBranchRef === null) return file(answers, repo, ORG_CONFIG_PATH, undefined, null, false);
  if (facts?.defaultBranchRef?.target) file(answers, repo, ORG_CONFIG_PATH, undefined, facts.defaultBranchRef.target);
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
  const manifest = DEFAULT_MANIFEST_PATH;
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
  const answers = new ServedReads();
  orgConfig(answers, repo.owner, answer.data.orgConfig, answer.missing.has("orgConfig"));
  const { head, base, pullRequest } = answer.data.repository;
  file(answers, repo, manifest, input.headSha, head, head !== null);
  file(answers, repo, manifest, input.baseSha, base, base !== null);
  if (head) pullsOf(answers, repo, input.headSha, head.associatedPullRequests, manifest);
  if (pullRequest && !pullRequest.reviews.pageInfo.hasNextPage) answers.reviews.set(ServedReads.pullKey(repo, input.number), pullRequest.reviews.nodes.map(restReview));
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
  const manifest = DEFAULT_MANIFEST_PATH;
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
  const answers = new ServedReads();
  orgConfig(answers, repo.owner, answer.data.orgConfig, answer.missing.has("orgConfig"));
  const { after } = answer.data.repository;
  file(answers, repo, manifest, input.after, after, after !== null);
  if (after) {
    pullsOf(answers, repo, input.after, after.associatedPullRequests, manifest);
    // What the approval gate compares: the manifest at the merge's first parent and at the merged pull request's final head, and its reviews.
    for (const parent of after.parents.nodes) file(answers, repo, manifest, parent.oid, parent);
    if (!after.parents.pageInfo.hasNextPage) answers.commits.set(ServedReads.commitKey(repo, input.after), restCommit(after, after.parents.nodes));
    for (const pull of after.associatedPullRequests.nodes) {
      const last = pull.commits.nodes[0]?.commit;
      if (last && last.oid === pull.headRefOid) file(answers, repo, manifest, last.oid, last);
      if (!pull.reviews.pageInfo.hasNextPage) answers.reviews.set(ServedReads.pullKey(repo, pull.number), pull.reviews.nodes.map(restReview));
    }
    if (!after.checkSuites.pageInfo.hasNextPage) {
      // The newest run named Paved across the commit's suites, as REST's `check_name` filter lists it first.
      const runs = after.checkSuites.nodes.flatMap((suite) => suite.checkRuns?.nodes ?? []).sort((a, b) => b.databaseId - a.databaseId);
      answers.checks.set(ServedReads.commitKey(repo, input.after), { total_count: runs.length, check_runs: runs.slice(0, 1).map(restCheck) });
    }
  }
  return serving(gh, answers);
}

