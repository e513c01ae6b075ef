/**
 * The GraphQL fields the fake answers, over the same world as its REST routes (so both APIs always
 * agree). Each resolved value is a node tagged with its schema type; a field not listed here is an
 * error (graphql.ts). Connections honour `first` (1–100, required, as GitHub requires) and `after`.
 */
import { GraphQLError } from "graphql";
import type { Commit, PathEntry } from "./git.js";
import { WEB } from "./http.js";
import { associatedPulls, testMerge } from "./routes-pulls.js";
import type { CheckRunState, PullState, RepoState, ReviewState, World } from "./state.js";

export interface Node {
  __typename: string;
  [key: string]: unknown;
}

/** Answered as GitHub does: the field is null and the error says `type: NOT_FOUND`. */
export class NotFoundError extends Error {}

type Args = Record<string, unknown>;
type Resolver = (source: Node, args: Args, world: World) => unknown;

/** GitHub does not return more of a blob's text than this in `Blob.text` (`isTruncated` then). */
export const BLOB_TEXT_LIMIT = 512 * 1024;
const MAX_PAGE = 100;

const repositoryNode = (repo: RepoState): Node => ({ __typename: "Repository", fullName: repo.fullName, repo });
const commitNode = (repo: RepoState, sha: string): Node => ({ __typename: "Commit", repo, sha });
const blobNode = (repo: RepoState, sha: string): Node => ({ __typename: "Blob", repo, sha });
const pullNode = (repo: RepoState, pr: PullState): Node => ({ __typename: "PullRequest", repo, pr });

function git(source: Node): { repo: RepoState; sha: string } {
  return source as unknown as { repo: RepoState; sha: string };
}

function commitOf(source: Node): Commit {
  const { repo, sha } = git(source);
  return repo.store.commit(sha)!;
}

function objectNode(repo: RepoState, sha: string): Node | null {
  if (repo.store.commit(sha)) return commitNode(repo, sha);
  if (repo.store.blob(sha)) return blobNode(repo, sha);
  if (repo.store.tree(sha)) return { __typename: "Tree", repo, sha };
  return null;
}

/** One page of a connection, as GitHub pages: `first` (with `after`) or `last` is required, and at most 100. */
function connection(typename: string, items: Node[], args: Args): Node {
  const field = typename.replace(/Connection$/, "");
  const { first, last, after } = args as { first?: number; last?: number; after?: string };
  if (args.before !== undefined || (last !== undefined && (first !== undefined || after !== undefined))) {
    throw new GraphQLError(`the fake GitHub pages ${typename} with first/after, or last alone`);
  }
  const size = first ?? last;
  if (size === undefined) throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`);
  const bound = first !== undefined ? "first" : "last";
  if (size < 0 || size > MAX_PAGE) throw new GraphQLError(`Requesting ${size} records on the \`${field}\` connection exceeds the \`${bound}\` limit of ${MAX_PAGE} records.`);
  const start = last !== undefined ? Math.max(items.length - last, 0) : typeof after === "string" ? Number(Buffer.from(after, "base64").toString("utf8").replace(/^cursor:/, "")) : 0;
  const nodes = items.slice(start, start + size);
  const cursor = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
  return {
    __typename: typename,
    nodes,
    totalCount: items.length,
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: start + nodes.length < items.length,
      hasPreviousPage: start > 0,
      endCursor: nodes.length > 0 ? cursor(start + nodes.length) : null,
      startCursor: nodes.length > 0 ? cursor(start) : null,
    },
  };
}

const connectionFields: Record<string, Resolver> = {
  nodes: (s) => s.nodes,
  totalCount: (s) => s.totalCount,
  pageInfo: (s) => s.pageInfo,
};

const enumOf = (value: string | null) => (value === null ? null : value.toUpperCase());

function checkRunsOf(repo: RepoState, sha: string, filter: { checkName?: string; checkType?: string; status?: string } | undefined): CheckRunState[] {
  let runs = repo.checkRuns
    .filter((r) => r.headSha === sha)
    .filter((r) => !filter?.checkName || r.name === filter.checkName)
    .filter((r) => !filter?.status || r.status.toUpperCase() === filter.status)
    .sort((a, b) => b.id - a.id);
  if ((filter?.checkType ?? "LATEST") === "LATEST") runs = runs.filter((r, i) => runs.findIndex((x) => x.name === r.name) === i);
  return runs;
}

function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

export const resolvers: Record<string, Record<string, Resolver>> = {
  Query: {
    repository: (_s, args, world) => {
      const repo = world.repos.get(`${String(args.owner)}/${String(args.name)}`.toLowerCase());
      if (!repo) throw new NotFoundError(`Could not resolve to a Repository with the name '${String(args.owner)}/${String(args.name)}'.`);
      return repositoryNode(repo);
    },
  },
  Repository: {
    nameWithOwner: (s) => s.fullName,
    object: (s, args) => {
      const repo = s.repo as RepoState;
      if (args.oid !== undefined) return objectNode(repo, String(args.oid));
      throw new GraphQLError("the fake GitHub resolves Repository.object by oid only");
    },
    defaultBranchRef: (s) => {
      const repo = s.repo as RepoState;
      const sha = repo.refs.get(`refs/heads/${repo.defaultBranch}`);
      return sha ? { __typename: "Ref", repo, name: repo.defaultBranch, sha } : null;
    },
    pullRequest: (s, args) => {
      const repo = s.repo as RepoState;
      const pr = repo.pulls.get(Number(args.number));
      if (!pr) throw new NotFoundError(`Could not resolve to a PullRequest with the number of ${String(args.number)}.`);
      return pullNode(repo, pr);
    },
    pullRequests: (s, args) => {
      const repo = s.repo as RepoState;
      const states = (args.states as string[] | undefined)?.map((x) => x.toLowerCase());
      const order = args.orderBy as { field: string; direction: string } | undefined;
      if (order && order.field !== "CREATED_AT") throw new GraphQLError("the fake GitHub orders pull requests by CREATED_AT only");
      const pulls = [...repo.pulls.values()]
        .filter((pr) => !states || states.includes(pr.merged ? "merged" : pr.state))
        .filter((pr) => args.baseRefName === undefined || pr.base.ref === args.baseRefName)
        .sort((a, b) => (order?.direction === "DESC" ? b.number - a.number : a.number - b.number));
      return connection("PullRequestConnection", pulls.map((pr) => pullNode(repo, pr)), args);
    },
  },
  Ref: {
    name: (s) => s.name,
    target: (s) => objectNode(s.repo as RepoState, String(s.sha)),
  },
  Commit: {
    oid: (s) => git(s).sha,
    url: (s) => `${WEB}/${git(s).repo.fullName}/commit/${git(s).sha}`,
    message: (s) => commitOf(s).message,
    tree: (s) => ({ __typename: "Tree", repo: git(s).repo, sha: commitOf(s).tree }),
    author: (s) => ({ __typename: "GitActor", ...commitOf(s).author }),
    committer: (s) => ({ __typename: "GitActor", ...commitOf(s).committer }),
    // GitHub signs the commits it creates for an app (`verified` in the fake); others are unsigned here.
    signature: (s) => {
      const c = commitOf(s);
      return c.verified
        ? { __typename: "GpgSignature", isValid: true, state: "VALID", signature: "-----BEGIN PGP SIGNATURE-----\n\nfake\n-----END PGP SIGNATURE-----\n", payload: `tree ${c.tree}\n` }
        : null;
    },
    file: (s, args) => {
      const { repo, sha } = git(s);
      const entry = repo.store.lookup(repo.store.commit(sha)!.tree, String(args.path).replace(/\/+$/, ""));
      return entry && entry.path !== "" ? { __typename: "TreeEntry", repo, entry } : null;
    },
    parents: (s, args) => {
      const { repo, sha } = git(s);
      return connection("CommitConnection", repo.store.commit(sha)!.parents.map((p) => commitNode(repo, p)), args);
    },
    associatedPullRequests: (s, args) => {
      const { repo, sha } = git(s);
      return connection("PullRequestConnection", associatedPulls(repo, sha).map((pr) => pullNode(repo, pr)), args);
    },
    checkSuites: (s, args, world) => {
      const { repo, sha } = git(s);
      const filter = args.filterBy as { appId?: number; checkName?: string } | undefined;
      // One app writes checks in the fake: its runs on a commit form one suite.
      const has = checkRunsOf(repo, sha, { checkType: "ALL", ...(filter?.checkName ? { checkName: filter.checkName } : {}) }).length > 0;
      const mine = filter?.appId === undefined || filter.appId === world.app.id;
      return connection("CheckSuiteConnection", has && mine ? [{ __typename: "CheckSuite", repo, sha }] : [], args);
    },
  },
  Tree: { oid: (s) => git(s).sha },
  GitActor: { name: (s) => s.name, email: (s) => s.email, date: (s) => s.date },
  GpgSignature: {
    isValid: (s) => s.isValid,
    state: (s) => s.state,
    signature: (s) => s.signature,
    payload: (s) => s.payload,
  },
  TreeEntry: {
    path: (s) => (s.entry as PathEntry).path,
    oid: (s) => (s.entry as PathEntry).sha,
    type: (s) => (s.entry as PathEntry).type,
    object: (s) => objectNode(s.repo as RepoState, (s.entry as PathEntry).sha),
  },
  Blob: {
    oid: (s) => git(s).sha,
    byteSize: (s) => git(s).repo.store.blob(git(s).sha)!.length,
    isBinary: (s) => isBinary(git(s).repo.store.blob(git(s).sha)!),
    isTruncated: (s) => git(s).repo.store.blob(git(s).sha)!.length > BLOB_TEXT_LIMIT,
    text: (s) => {
      const content = git(s).repo.store.blob(git(s).sha)!;
      return isBinary(content) ? null : content.subarray(0, BLOB_TEXT_LIMIT).toString("utf8");
    },
  },
  PullRequest: {
    number: (s) => (s.pr as PullState).number,
    state: (s) => {
      const pr = s.pr as PullState;
      return pr.merged ? "MERGED" : pr.state.toUpperCase();
    },
    merged: (s) => (s.pr as PullState).merged,
    mergedAt: (s) => (s.pr as PullState).mergedAt,
    headRefOid: (s) => (s.pr as PullState).head.sha,
    headRefName: (s) => (s.pr as PullState).head.ref,
    baseRefOid: (s) => (s.pr as PullState).base.sha,
    baseRefName: (s) => (s.pr as PullState).base.ref,
    headRepository: (s, _a, world) => {
      const name = (s.pr as PullState).head.repo;
      const known = world.repos.get(name.toLowerCase());
      return known ? repositoryNode(known) : { __typename: "Repository", fullName: name };
    },
    mergeCommit: (s) => {
      const pr = s.pr as PullState;
      return pr.merged && pr.mergeCommitSha ? commitNode(s.repo as RepoState, pr.mergeCommitSha) : null;
    },
    // As REST's pulls/{n}/commits: the commits on the head that the base had not, oldest first.
    commits: (s, args) => {
      const repo = s.repo as RepoState;
      const pr = s.pr as PullState;
      const base = repo.store.ancestors(pr.base.sha);
      const commits = [...repo.store.ancestors(pr.head.sha)]
        .filter((sha) => !base.has(sha))
        .map((sha) => repo.store.commit(sha)!)
        .sort((a, b) => Date.parse(a.author.date) - Date.parse(b.author.date));
      return connection("PullRequestCommitConnection", commits.map((c) => ({ __typename: "PullRequestCommit", commit: commitNode(repo, c.sha) })), args);
    },
    reviews: (s, args) => {
      const repo = s.repo as RepoState;
      const reviews = repo.reviews.get((s.pr as PullState).number) ?? [];
      return connection("PullRequestReviewConnection", reviews.map((review) => ({ __typename: "PullRequestReview", repo, review })), args);
    },
    potentialMergeCommit: (s, _a, world) => {
      const pr = s.pr as PullState;
      if (pr.state !== "open") return null;
      const sha = testMerge(world, s.repo as RepoState, pr);
      return sha ? commitNode(s.repo as RepoState, sha) : null;
    },
  },
  PullRequestReview: {
    // GraphQL names a bot without the `[bot]` its REST login carries.
    author: (s) => {
      const login = (s.review as ReviewState).user;
      return login.endsWith("[bot]") ? { __typename: "Bot", login: login.slice(0, -"[bot]".length) } : { __typename: "User", login };
    },
    state: (s) => (s.review as ReviewState).state,
    commit: (s) => commitNode(s.repo as RepoState, (s.review as ReviewState).commitId),
  },
  User: { login: (s) => s.login },
  Bot: { login: (s) => s.login },
  CheckSuite: {
    checkRuns: (s, args) => {
      const { repo, sha } = git(s);
      const runs = checkRunsOf(repo, sha, args.filterBy as { checkName?: string; checkType?: string; status?: string } | undefined);
      return connection("CheckRunConnection", runs.map((run) => ({ __typename: "CheckRun", repo, run })), args);
    },
  },
  CheckRun: {
    databaseId: (s) => (s.run as CheckRunState).id,
    name: (s) => (s.run as CheckRunState).name,
    status: (s) => enumOf((s.run as CheckRunState).status),
    conclusion: (s) => enumOf((s.run as CheckRunState).conclusion),
    externalId: (s) => (s.run as CheckRunState).externalId,
    title: (s) => (s.run as CheckRunState).output.title,
    summary: (s) => (s.run as CheckRunState).output.summary,
    text: (s) => (s.run as CheckRunState).output.text,
    annotations: (s, args) => connection("CheckAnnotationConnection", (s.run as CheckRunState).annotations.map(() => ({ __typename: "CheckAnnotation" })), args),
  },
  PullRequestConnection: connectionFields,
  CommitConnection: connectionFields,
  PullRequestCommitConnection: connectionFields,
  PullRequestCommit: { commit: (s) => s.commit },
  PullRequestReviewConnection: connectionFields,
  CheckSuiteConnection: connectionFields,
  CheckRunConnection: connectionFields,
  CheckAnnotationConnection: connectionFields,
  PageInfo: {
    hasNextPage: (s) => s.hasNextPage,
    hasPreviousPage: (s) => s.hasPreviousPage,
    endCursor: (s) => s.endCursor,
    startCursor: (s) => s.startCursor,
  },
};
