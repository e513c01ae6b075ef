/**
 * What the self-service page and the delivery metrics are computed from: plain data the adapters
 * (a local GitOps clone, or GitHub) gather, so the page, the JSON and the CLI agree by construction.
 *
 * Times are milliseconds since the epoch. Every fact names its source repository, the unit of
 * access: a viewer sees a fact only when they can read that repository (visibleTo).
 */

/** A unit as the GitOps tree holds it now (from the ownership index). */
export interface ServiceUnit {
  repository: string;
  team: string;
  service: string;
  environment: string;
  namespace: string;
  /** The image reference as rendered; absent when the index predates recorded state. */
  image?: string;
  /** https://host/path when the unit has an ingress. */
  url?: string;
  /** The org's `links` for this unit, with Argo CD first when configured: label → URL. */
  links: Record<string, string>;
}

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

/** An open preview environment (another issue builds them; none until then). */
export interface PreviewFact {
  repository: string;
  team: string;
  service: string;
  pullRequest: number;
  url?: string;
  openedAt: number;
}

export interface PortalFacts {
  /** Environments in promotion order. */
  environments: Array<{ name: string; production: boolean }>;
  units: ServiceUnit[];
  deployments: DeploymentFact[];
  previews: PreviewFact[];
  /** Whether Argo CD feedback can exist for these deployments (false for a local clone). */
  feedback: boolean;
  /** Where the facts came from, for the page's footer ("acme/gitops@main", a local path). */
  origin: string;
}

/** Only what a viewer may read: facts of repositories in `readable` (lower-cased owner/name). */
export function visibleTo(facts: PortalFacts, readable: ReadonlySet<string>): PortalFacts {
  const can = (f: { repository: string }) => readable.has(f.repository.toLowerCase());
  return {
    ...facts,
    units: facts.units.filter(can),
    deployments: facts.deployments.filter(can),
    previews: facts.previews.filter(can),
  };
}
