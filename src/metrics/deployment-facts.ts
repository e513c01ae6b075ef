/**
 * What delivery metrics and the self-service page are computed from: one fact per unit a GitOps
 * commit changed, with the statuses Argo CD reported for it (gathered by the adapters).
 */

/**
 * What Argo CD reported, as the GitHub Deployment's statuses say (oldest first): `committed` means
 * there is no such report (a local clone, or a deployment Paved recorded before it had feedback).
 */
export type DeliveryState = "committed" | "queued" | "in_progress" | "success" | "failure" | "error" | "inactive";

export interface StatusFact {
  state: Exclude<DeliveryState, "committed">;
  at: number;
  description?: string;
}

/** One unit changed by one GitOps commit: the unit of deployment history and of the metrics. */
export interface DeploymentFact {
  repository: string;
  team: string;
  service: string;
  environment: string;
  production: boolean;
  action: "create" | "update" | "delete";
  /** What made the GitOps commit (its `Paved-Action` trailer: merge, promote, rollback…); absent in older commits. */
  command?: string;
  gitopsCommit: string;
  /** When the GitOps commit was made. */
  committedAt: number;
  sourceSha?: string;
  pullRequest?: number;
  /** Who made the change (the pull request's author, else the source commit's author). */
  author?: string;
  /** The image tag or short digest the commit deploys, when known. */
  version?: string;
  /** The change's first commit (the pull request's oldest commit, else the source commit). */
  firstCommitAt?: number;
  /** When the change reached the default branch (the merge, else the source commit). */
  mergedAt?: number;
  statuses: StatusFact[];
  links: { pullRequest?: string; sourceCommit?: string; gitopsCommit?: string; log?: string };
}
