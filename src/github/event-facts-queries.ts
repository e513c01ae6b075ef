/**
 * The GraphQL queries of an event's reads (event-facts.ts). Each replaces several REST reads with one
 * call; test/github-graphql-queries.test.ts validates them against GitHub's published schema.
 */

const FRAGMENTS = /* GraphQL */ `
  fragment PavedBlob on Blob {
    oid
    isBinary
    isTruncated
    text
  }
  fragment PavedManifest on Commit {
    file(path: $manifest) {
      object {
        ...PavedBlob
      }
    }
  }
  fragment PavedOrgConfig on Repository {
    defaultBranchRef {
      target {
        ... on Commit {
          file(path: $configPath) {
            object {
              ...PavedBlob
            }
          }
        }
      }
    }
  }
  fragment PavedReview on PullRequestReview {
    author {
      __typename
      login
    }
    state
    commit {
      oid
    }
  }
  fragment PavedPull on PullRequest {
    number
    state
    mergedAt
    headRefOid
    headRefName
    headRepository {
      nameWithOwner
    }
    baseRefOid
    baseRefName
    mergeCommit {
      oid
    }
    potentialMergeCommit {
      oid
      ...PavedManifest
    }
  }
`;

/**
 * A pull-request event: the org config at the default branch of `<org>/.github` (never the pull
 * request's), the manifest at the head and the base, the pull requests whose head this commit is, each
 * with its test merge commit and the manifest there, and the reviews of this pull request (approvals).
 */
export const PULL_REQUEST_FACTS_QUERY = /* GraphQL */ `
  query PavedPullRequestFacts(
    $owner: String!
    $name: String!
    $org: String!
    $configRepo: String!
    $configPath: String!
    $head: GitObjectID!
    $base: GitObjectID!
    $manifest: String!
    $number: Int!
  ) {
    orgConfig: repository(owner: $org, name: $configRepo) {
      ...PavedOrgConfig
    }
    repository(owner: $owner, name: $name) {
      head: object(oid: $head) {
        ... on Commit {
          ...PavedManifest
          associatedPullRequests(first: 100) {
            pageInfo {
              hasNextPage
            }
            nodes {
              ...PavedPull
            }
          }
        }
      }
      base: object(oid: $base) {
        ... on Commit {
          ...PavedManifest
        }
      }
      pullRequest(number: $number) {
        reviews(first: 100) {
          pageInfo {
            hasNextPage
          }
          nodes {
            ...PavedReview
          }
        }
      }
    }
  }
  ${FRAGMENTS}
`;

/**
 * A push to the default branch: the org config, the pushed commit (the approval gate's first parent)
 * and the manifest there and at its parents, the pull request merged as it with its reviews and the manifest at its final head (the
 * approval gate), and the `Paved` check already on it (a redelivery does nothing).
 */
export const PUSH_FACTS_QUERY = /* GraphQL */ `
  query PavedPushFacts(
    $owner: String!
    $name: String!
    $org: String!
    $configRepo: String!
    $configPath: String!
    $after: GitObjectID!
    $manifest: String!
    $checkName: String!
  ) {
    orgConfig: repository(owner: $org, name: $configRepo) {
      ...PavedOrgConfig
    }
    repository(owner: $owner, name: $name) {
      after: object(oid: $after) {
        ... on Commit {
          ...PavedManifest
          oid
          url
          message
          tree {
            oid
          }
          author {
            name
            email
            date
          }
          committer {
            name
            email
            date
          }
          signature {
            isValid
            state
            signature
            payload
          }
          parents(first: 100) {
            pageInfo {
              hasNextPage
            }
            nodes {
              oid
              ...PavedManifest
            }
          }
          associatedPullRequests(first: 100) {
            pageInfo {
              hasNextPage
            }
            nodes {
              ...PavedPull
              reviews(first: 100) {
                pageInfo {
                  hasNextPage
                }
                nodes {
                  ...PavedReview
                }
              }
              commits(last: 1) {
                nodes {
                  commit {
                    oid
                    ...PavedManifest
                  }
                }
              }
            }
          }
          checkSuites(first: 100, filterBy: { checkName: $checkName }) {
            pageInfo {
              hasNextPage
            }
            nodes {
              checkRuns(first: 1, filterBy: { checkName: $checkName, checkType: LATEST }) {
                nodes {
                  databaseId
                  status
                  conclusion
                  externalId
                  title
                  summary
                  text
                  annotations(first: 1) {
                    totalCount
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  ${FRAGMENTS}
`;
