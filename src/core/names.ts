/**
 * Names of generated objects, derived here once so templates, values, wiring and the validate-time
 * budget check (manifest/name-rules.ts) agree.
 *
 * The scheme is injective: two different units, or dependencies, never get the same name. Owner,
 * service, environment and dependency names are lowercase letters, digits and `-`, so `-` cannot
 * separate them (`payments` + `api-gateway` and `payments-api` + `gateway` would both read
 * `payments-api-gateway`). `.` cannot occur inside any of them, and every name type that joins
 * parts allows it — Kubernetes object names (DNS-1123 subdomains), label values, Helm release
 * names and Backstage entity names — so joined names use `.`. Names made of one part (the
 * Deployment, Service, Ingress… are the service's name) need no separator: their namespace already
 * belongs to one team and environment (config/namespace-patterns.ts), and a service name to one
 * source per namespace (plan/ownership.ts).
 *
 * Lengths are budgets, not truncations: a name that does not fit is refused at validate time with
 * the parts to shorten (no hash suffix, which could be made to collide and would rename objects
 * whenever a part changed length).
 */

/** Separates the parts of a joined name; no owner, service, environment or dependency name contains it. */
export const NAME_SEPARATOR = ".";

/**
 * Argo CD Application name: every team's Applications share one namespace, so it holds the owner,
 * the service and the environment. It is also the `app.kubernetes.io/instance` label value.
 */
export function applicationName(owner: string, service: string, environment: string): string {
  return [owner, service, environment].join(NAME_SEPARATOR);
}

/** Argo CD tracks resources with the Application name as a label value: at most 63 characters. */
export const MAX_APPLICATION_NAME = 63;

/**
 * Helm release name (helm mode), set explicitly so Argo CD does not use the Application name: the
 * release lives in the unit's namespace, where the service name is unique.
 */
export function releaseName(service: string): string {
  return service;
}

/** Helm caps release names at 53 characters. */
export const MAX_RELEASE_NAME = 53;

/** The Secret the ExternalSecret writes; secret env vars read their key (= the env name) from it. */
export function secretsName(service: string): string {
  return `${service}-secrets`;
}

/** The Crossplane claim for one dependency, and its Backstage Resource. */
export function claimName(service: string, dependency: string): string {
  return [service, dependency].join(NAME_SEPARATOR);
}

/** Crossplane labels the composite resource with its claim's name: a label value, at most 63 characters. */
export const MAX_CLAIM_NAME = 63;

/** The connection Secret the claim writes; `${dependencies.<dep>.<output>}` reads key <output>. */
export function connectionSecretName(service: string, dependency: string): string {
  return `${claimName(service, dependency)}-conn`;
}

/** Kubernetes object names (DNS-1123 subdomains): Secrets, ExternalSecrets. */
export const MAX_OBJECT_NAME = 253;

/** Service names (DNS-1035 labels), label values, namespaces and Backstage entity names. */
export const MAX_LABEL = 63;

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
