/** Names of generated objects. Each is derived here once so templates, values and wiring agree. */

/** Argo CD Application name and Helm release name: one per unit. */
export function instanceName(service: string, environment: string): string {
  return `${service}-${environment}`;
}

/**
 * Argo CD Application name: every team's Applications share one namespace, so two teams' `api` in
 * `production` must not collide — the owner is part of the name.
 */
export function applicationName(owner: string, service: string, environment: string): string {
  return `${owner}-${service}-${environment}`;
}

/** Argo CD tracks resources with the Application name as a label value: at most 63 characters. */
export const MAX_APPLICATION_NAME = 63;

/** Helm caps release names at 53 characters; Kubernetes label values at 63. */
export const MAX_INSTANCE_NAME = 53;

/** The Secret the ExternalSecret writes; secret env vars read their key (= the env name) from it. */
export function secretsName(service: string): string {
  return `${service}-secrets`;
}

/** The Crossplane claim for one dependency. */
export function claimName(service: string, dependency: string): string {
  return `${service}-${dependency}`;
}

/** The connection Secret the claim writes; `${dependencies.<dep>.<output>}` reads key <output>. */
export function connectionSecretName(service: string, dependency: string): string {
  return `${claimName(service, dependency)}-conn`;
}

export function defaultGitopsRepoURL(repository: string): string {
  return `https://github.com/${repository}.git`;
}

/**
 * Backstage's `backstage.io/source-location` of a source repository: its default branch (`HEAD`)
 * on the GitOps repository's host, so the catalog file does not change with every commit.
 */
export function sourceLocation(repository: string, gitopsRepoURL: string): string {
  return `url:https://${webHost(gitopsRepoURL)}/${repository}/tree/HEAD/`;
}

function webHost(repoURL: string): string {
  try {
    const url = new URL(repoURL);
    if (url.protocol === "https:" || url.protocol === "http:") return url.host;
  } catch {
    // scp-like `git@host:owner/name.git`: no web address to take.
  }
  return "github.com";
}

export const MANAGED_BY = "paved";
