/**
 * What the event queries (event-facts-queries.ts) answer, and each answer in the shape of the REST
 * read it replaces, field for field as far as Paved reads them (test/github-graphql.test.ts compares
 * them with the fake's REST answers).
 */
export interface BlobFacts {
  oid: string;
  isBinary: boolean | null;
  isTruncated: boolean;
  text: string | null;
}

export interface FileFacts {
  file: { object: BlobFacts | Record<string, never> | null } | null;
}

export interface PullFacts {
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

export interface PullConnection {
  pageInfo: { hasNextPage: boolean };
  nodes: PullFacts[];
}

export interface CheckFacts {
  databaseId: number;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: { totalCount: number } | null;
}

export interface ReviewFacts {
  author: { __typename: string; login: string } | null;
  state: string;
  commit: { oid: string } | null;
}

/** A review as `GET pulls/{n}/reviews` lists it; GraphQL names a bot without REST's `[bot]`. */
export function restReview(review: ReviewFacts) {
  const login = review.author ? (review.author.__typename === "Bot" ? `${review.author.login}[bot]` : review.author.login) : null;
  return { user: login === null ? null : { login }, state: review.state, commit_id: review.commit?.oid ?? null };
}

export interface GitActorFacts {
  name: string | null;
  email: string | null;
  date: string | null;
}

export interface CommitFacts {
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
export function restCommit(commit: CommitFacts, parents: Array<{ oid: string }>) {
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

export interface OrgConfigFacts {
  defaultBranchRef: { target: FileFacts | null } | null;
}

/** A pull request as `GET commits/{sha}/pulls` lists it (the fields Paved reads). */
export function restPull(pull: PullFacts) {
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

/** A check run as `GET commits/{ref}/check-runs` lists it (the fields Paved reads). */
export function restCheck(check: CheckFacts) {
  return {
    id: check.databaseId,
    status: check.status.toLowerCase(),
    conclusion: check.conclusion?.toLowerCase() ?? null,
    external_id: check.externalId,
    output: { title: check.title, summary: check.summary, text: check.text, annotations_count: check.annotations?.totalCount ?? 0 },
  };
}
