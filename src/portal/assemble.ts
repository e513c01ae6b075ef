import type { ResolvedConfig } from "../config/types.js";
import { argoApplicationUrl } from "../feedback/argocd-links.js";
import { parseIndex, type OwnershipIndex } from "../plan/ownership-index.js";
import { imageVersion } from "../core/image-ref.js";
import { applicationName } from "../core/names.js";
import { unitLinks } from "../report/links.js";
import type { DeploymentFact, StatusFact } from "../metrics/deployment-facts.js";
import type { PreviewRecord } from "../previews/record.js";
import type { PortalFacts, PreviewFact, ServiceUnit } from "./facts.js";
import { parsePavedCommit } from "./gitops-commit.js";

/**
 * Joins what the adapters read into PortalFacts: the ownership indexes (what runs now, and which
 * team owns each source), the GitOps history (one deployment per unit a Paved commit changed),
 * GitHub Deployments (what Argo CD reported on each), and what is known of each change (author,
 * first commit, merge). Pure: the local clone and the App feed it the same shapes.
 */
export interface GitopsCommit {
  sha: string;
  message: string;
  committedAt: number;
  author?: string;
  /** Per `env/service`, the image the commit deployed (from the index at that commit), when read. */
  images?: Record<string, string>;
}

/** A GitHub Deployment Paved recorded for a GitOps commit, with its statuses. */
export interface RecordedDeployment {
  repository: string;
  environment: string;
  gitopsCommit: string;
  statuses: StatusFact[];
  logUrl?: string;
  /** From the payload when it names them (`applications: [{ service, version }]`). */
  versions?: Record<string, string>;
}

/** What is known of a source change, keyed by `repository@sha` (changeKey). */
export interface ChangeFacts {
  author?: string;
  firstCommitAt?: number;
  mergedAt?: number;
}

export interface AssembleInput {
  config: Pick<ResolvedConfig, "environments" | "links" | "argocd" | "gitops">;
  indexes: OwnershipIndex[];
  commits: GitopsCommit[];
  deployments: RecordedDeployment[];
  changes: ReadonlyMap<string, ChangeFacts>;
  /** The preview records in the GitOps tree (listPreviews). */
  previews?: readonly PreviewRecord[];
  /** https://github.com (or GHES) for links to pull requests and commits; null for a local clone. */
  web: string | null;
  feedback: boolean;
  origin: string;
}

export function changeKey(repository: string, sha: string): string {
  return `${repository.toLowerCase()}@${sha}`;
}

export function assembleFacts(input: AssembleInput): PortalFacts {
  const { config } = input;
  const teamOf = teamsBySource(input.indexes, config.gitops.directory);
  const production = new Set(config.environments.filter((e) => e.production).map((e) => e.name));
  const units: ServiceUnit[] = [];
  for (const index of input.indexes) {
    const team = teamOf.get(index.source.toLowerCase()) ?? "unassigned";
    for (const u of index.units) {
      const unit: ServiceUnit = {
        repository: index.source,
        team,
        service: u.service,
        environment: u.environment,
        namespace: u.namespace,
        links: linksFor(config, { team, service: u.service, environment: u.environment, namespace: u.namespace }),
      };
      if (u.state?.image) unit.image = u.state.image;
      if (u.state?.host) unit.url = `https://${u.state.host}${u.state.path ?? "/"}`;
      units.push(unit);
    }
  }
  const recorded = new Map(input.deployments.map((d) => [`${d.gitopsCommit} ${d.repository.toLowerCase()} ${d.environment}`, d]));
  const gitopsWeb = input.web && config.gitops.repository ? `${input.web}/${config.gitops.repository}` : null;
  const deployments: DeploymentFact[] = [];
  for (const commit of input.commits) {
    const paved = parsePavedCommit(commit.message);
    if (!paved) continue;
    const change = input.changes.get(changeKey(paved.repository, paved.sourceSha)) ?? {};
    const sourceWeb = input.web ? `${input.web}/${paved.repository}` : null;
    for (const u of paved.units) {
      const record = recorded.get(`${commit.sha} ${paved.repository.toLowerCase()} ${u.environment}`);
      const image = commit.images?.[`${u.environment}/${u.service}`];
      const version = record?.versions?.[u.service] ?? (image ? imageVersion(image) : undefined);
      const author = change.author ?? commit.author;
      deployments.push({
        repository: paved.repository,
        team: teamOf.get(paved.repository.toLowerCase()) ?? "unassigned",
        service: u.service,
        environment: u.environment,
        production: production.has(u.environment),
        action: u.action,
        ...(paved.action ? { command: paved.action } : {}),
        gitopsCommit: commit.sha,
        committedAt: commit.committedAt,
        sourceSha: paved.sourceSha,
        ...(paved.pullRequest !== undefined ? { pullRequest: paved.pullRequest } : {}),
        ...(author ? { author } : {}),
        ...(version ? { version } : {}),
        ...(change.firstCommitAt !== undefined ? { firstCommitAt: change.firstCommitAt } : {}),
        ...(change.mergedAt !== undefined ? { mergedAt: change.mergedAt } : {}),
        statuses: [...(record?.statuses ?? [])].sort((a, b) => a.at - b.at),
        links: {
          ...(sourceWeb && paved.pullRequest !== undefined ? { pullRequest: `${sourceWeb}/pull/${paved.pullRequest}` } : {}),
          ...(sourceWeb ? { sourceCommit: `${sourceWeb}/commit/${paved.sourceSha}` } : {}),
          ...(gitopsWeb ? { gitopsCommit: `${gitopsWeb}/commit/${commit.sha}` } : {}),
          ...(record?.logUrl ? { log: record.logUrl } : {}),
        },
      });
    }
  }
  return {
    environments: config.environments.map((e) => ({ name: e.name, production: e.production })),
    units,
    deployments,
    previews: (input.previews ?? []).map((record) => previewFact(record, input.web)),
    feedback: input.feedback,
    origin: input.origin,
  };
}

function previewFact(record: PreviewRecord, web: string | null): PreviewFact {
  const updatedAt = Date.parse(record.pushedAt);
  return {
    repository: record.repository,
    team: record.owner,
    services: record.services ?? [],
    pullRequest: record.number,
    namespace: record.namespace,
    updatedAt: Number.isNaN(updatedAt) ? 0 : updatedAt,
    headSha: record.headSha,
    ...(record.url ? { url: record.url } : {}),
    ...(web ? { pullRequestUrl: `${web}/${record.repository}/pull/${record.number}` } : {}),
  };
}

/** `env/service` → image, from an index's text as it was at some commit; empty when absent or not an index. */
export function indexImages(text: string | null): Record<string, string> {
  const images: Record<string, string> = {};
  if (text === null) return images;
  try {
    for (const u of parseIndex(text).units) if (u.state) images[`${u.environment}/${u.service}`] = u.state.image;
  } catch {
    // Not an index Paved wrote: versions unknown.
  }
  return images;
}

/**
 * A source's team, from the catalog entries its index lists (`<directory>/catalog/<owner>/<service>.yaml`):
 * the index does not record the owner, and every file of one source shares it.
 */
function teamsBySource(indexes: OwnershipIndex[], directory: string): Map<string, string> {
  const prefix = directory.split("/").filter((s) => s !== "").map((s) => `${s}/`).join("");
  const teams = new Map<string, string>();
  for (const index of indexes) {
    for (const path of index.catalog) {
      const m = /^catalog\/([^/]+)\/[^/]+\.yaml$/.exec(path.startsWith(prefix) ? path.slice(prefix.length) : "");
      if (m) {
        teams.set(index.source.toLowerCase(), m[1]!);
        break;
      }
    }
  }
  return teams;
}

function linksFor(
  config: AssembleInput["config"],
  unit: { team: string; service: string; environment: string; namespace: string },
): Record<string, string> {
  const links: Record<string, string> = {};
  const argo = argoApplicationUrl(config, applicationName(unit.team, unit.service, unit.environment));
  if (argo) links["Argo CD"] = argo;
  return { ...links, ...unitLinks(config, { environment: unit.environment, service: unit.service, owner: unit.team, namespace: unit.namespace }) };
}
