/**
 * What the self-service page and the delivery metrics are computed from: plain data the adapters
 * (a local GitOps clone, or GitHub) gather, so the page, the JSON and the CLI agree by construction.
 *
 * Times are milliseconds since the epoch. Every fact names its source repository, the unit of
 * access: a viewer sees a fact only when they can read that repository (visibleTo).
 */
import type { DeploymentFact } from "../metrics/deployment-facts.js";

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


/** An open preview environment, from its `preview.yaml` record under the GitOps tree's previews folder. */
export interface PreviewFact {
  repository: string;
  team: string;
  /** The services it runs; empty for a record that predates the list. */
  services: string[];
  pullRequest: number;
  namespace: string;
  url?: string;
  /** The last push rendered: the TTL counts from here. */
  updatedAt: number;
  /** The head commit it runs. */
  headSha: string;
  /** The pull request on GitHub; absent from a local clone. */
  pullRequestUrl?: string;
}

export interface PortalFacts {
  /** Environments in promotion order. */
  environments: Array<{ name: string; production: boolean }>;
  units: ServiceUnit[];
  /** Newest first, in the GitOps history's order (commit times only have one-second resolution). */
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
