/* Generated from schemas/config.schema.json by scripts/gen-types.mjs. Do not edit. */

/**
 * owner/name of the GitOps repository; the app needs contents: write there.
 */
export type Repository = string;
/**
 * Branch Argo CD syncs from.
 */
export type Branch = string;
/**
 * Root of the managed tree inside the GitOps repository ("" for the repository root).
 */
export type Directory = string;
/**
 * pull-requests: one GitOps pull request per environment, opened in promotion order, for the platform team to merge; commit: one commit straight to the GitOps branch (when an environment has mode: pull-request, the fleet goes by pull requests all the same).
 */
export type FleetMode = "pull-requests" | "commit";
/**
 * Path of the manifest in source repositories.
 */
export type ManifestPath = string;
/**
 * manifests: plain Kubernetes YAML; helm: values for the org chart.
 */
export type Mode = "manifests" | "helm";
/**
 * Helm repository URL.
 */
export type ChartRepository = string;
/**
 * Name of the chart in the repository.
 */
export type ChartName = string;
/**
 * Exact chart version.
 */
export type ChartVersion = string;
/**
 * Local path of the chart's values.schema.json, used to validate rendered values.
 */
export type ValuesSchema = string | null;
/**
 * A folder of the platform team's own templates that replace or add to the built-in ones (path relative to the config file).
 */
export type Templates = string | null;
/**
 * Argo CD web UI, for links in comments and deployments.
 */
export type URL = string | null;
/**
 * Namespace of Application and AppProject objects.
 */
export type Namespace = string;
/**
 * Argo CD destination server URL.
 */
export type Cluster = string;
/**
 * Kubernetes namespace; {owner} and {env} are replaced. It must contain {owner} once, and no two environments on one cluster may be able to produce the same namespace.
 */
export type NamespacePattern = string;
/**
 * Default ingress host is {service}.{owner}.{domain}.
 */
export type Domain = string;
/**
 * Argo CD automated sync with prune and selfHeal.
 */
export type AutomatedSync = boolean;
/**
 * spec.ingressClassName of every Ingress, e.g. nginx; unset: the cluster's default IngressClass.
 */
export type IngressClass = string;
/**
 * Name of the TLS Secret; {owner}, {env} and {service} are replaced.
 */
export type CertificateSecret = string;
/**
 * Annotates each Ingress with cert-manager.io/cluster-issuer, so cert-manager issues the certificate into the Secret; unset: the Secret is provided some other way.
 */
export type CertManagerClusterIssuer = string;
/**
 * Treat as production (risk flags, digest pinning). Defaults to true for an environment named production or prod.
 */
export type Production = boolean;
/**
 * A member of the manifest's owner team may approve.
 */
export type OwnerTeam = boolean;
/**
 * Members of these team slugs may approve.
 */
export type Teams = string[];
/**
 * GitHub's rule: the person who pushed the pull request's latest commit cannot approve it.
 */
export type ExcludeTheLastPusher = boolean;
/**
 * merge: every merge deploys here (the default); { after: <env> }: promoted automatically once that earlier environment is healthy with the same source commit; manual: only by `/paved promote` or `paved promote`.
 */
export type Promotion =
  | ("merge" | "manual")
  | {
      after: After;
    };
/**
 * An earlier environment in the promotion order.
 */
export type After = string;
/**
 * direct: commit to the GitOps branch; pull-request: open (or update) a pull request in the GitOps repository instead.
 */
export type ApplyMode = "direct" | "pull-request";
/**
 * Registries or repositories services may take images from, matched by whole path segments: `ghcr.io/acme` allows `ghcr.io/acme/api` but not `ghcr.io/acme-evil/api`. Empty: no restriction.
 */
export type AllowedRegistries = string[];
/**
 * SecretStore or ClusterSecretStore.
 */
export type Kind = "SecretStore" | "ClusterSecretStore";
/**
 * Name of the store.
 */
export type Name = string;
/**
 * Every secret key a manifest references must start with this pattern ({owner}, {env}, {service} are replaced), so a team cannot read another team's secrets. "" turns the scoping off.
 */
export type KeyPrefix = string;
/**
 * apiVersion of the claim, e.g. database.acme.io/v1alpha1.
 */
export type ClaimApiVersion = string;
/**
 * kind of the claim, e.g. PostgreSQLInstance.
 */
export type ClaimKind = string;
/**
 * Allowed classes; empty: any class is refused.
 */
export type Classes = string[];
/**
 * Keys of the connection secret that env placeholders may read.
 */
export type Outputs = string[];
/**
 * Claim parameters a manifest may set under dependencies.<name>.params; absent: any name. `class` is never one of them: only `class`, checked against `classes`, sets it.
 */
export type Parameters = string[];
/**
 * The environment whose cluster and settings a preview takes (it must be configured).
 */
export type BasedOn = string;
/**
 * Namespace of a preview: `{owner}` once, then `{number}` (the pull request number) after a fixed part that ends with a letter or `-`. It may never produce an environment's namespace (refused at load).
 */
export type NamespacePattern1 = string;
/**
 * Destination cluster; default: the `from` environment's.
 */
export type Cluster1 = string;
/**
 * A preview with no push for this long is removed: a number then `m`, `h` or `d`.
 */
export type TimeToLive = string;
/**
 * Open previews a repository may have at once.
 */
export type MaximumPerRepository = number;
/**
 * Open previews the organisation may have at once.
 */
export type MaximumPerOrganisation = number;
/**
 * The pull request label that asks for a preview.
 */
export type Label = string;
/**
 * A pull request with this label keeps its preview past the TTL.
 */
export type KeepLabel = string;
/**
 * Shown as the diagnostic code.
 */
export type Id = string;
/**
 * What the policy asks for, in words a developer understands; shown in the error.
 */
export type Description = string;
/**
 * error fails the check; warning only reports.
 */
export type Severity = "error" | "warning";
/**
 * Environment names.
 */
export type Environments1 = string[];
/**
 * Service names.
 */
export type Services = string[];
/**
 * Owner team slugs.
 */
export type Owners = string[];
/**
 * Rules every resolved unit (service in one environment) must meet.
 */
export type Policies = Policy[];

/**
 * The platform team's settings: where the GitOps repository is, the environments, the dependency catalog and the policies every manifest must meet. Read from the organisation's .github repository on its default branch, never from a pull request.
 */
export interface PavedConfig {
  gitops?: GitOpsRepository;
  fleet?: FleetReRender;
  manifest?: ManifestPath;
  render?: Rendering;
  argocd?: ArgoCD;
  environments?: Environments;
  registries?: AllowedRegistries;
  secretStore?: SecretStore;
  dependencies?: DependencyCatalog;
  previews?: Previews;
  links?: Links;
  policies?: Policies;
  builtins?: BuiltInPolicies;
}
/**
 * Where rendered files are committed; Argo CD syncs from here.
 */
export interface GitOpsRepository {
  repository?: Repository;
  branch?: Branch;
  directory?: Directory;
}
/**
 * What happens when this config or the org's templates change on the default branch of the org's .github repository: every deployed source is re-rendered under the new config.
 */
export interface FleetReRender {
  mode?: FleetMode;
}
/**
 * What Paved writes for each service and environment.
 */
export interface Rendering {
  mode?: Mode;
  chart?: Chart;
  templates?: Templates;
}
/**
 * The org chart, required in helm mode.
 */
export interface Chart {
  repoURL: ChartRepository;
  name: ChartName;
  version: ChartVersion;
  valuesSchema?: ValuesSchema;
}
/**
 * Where Argo CD runs.
 */
export interface ArgoCD {
  url?: URL;
  namespace?: Namespace;
}
/**
 * The environments, in promotion order.
 */
export interface Environments {
  [k: string]: Environment;
}
/**
 * One deployment target.
 *
 * This interface was referenced by `PavedConfig`'s JSON-Schema
 * via the `definition` "environment".
 */
export interface Environment {
  cluster: Cluster;
  namespace?: NamespacePattern;
  domain?: Domain;
  autoSync?: AutomatedSync;
  ingress?: Ingress;
  production?: Production;
  approval?: Approval;
  promote?: Promotion;
  mode?: ApplyMode;
}
/**
 * How services with an ingress are exposed in this environment.
 */
export interface Ingress {
  className?: IngressClass;
  tls?: TLS;
}
/**
 * Serve every Ingress over TLS, with the certificate in a Secret per service.
 */
export interface TLS {
  secretName?: CertificateSecret;
  clusterIssuer?: CertManagerClusterIssuer;
}
/**
 * A pull request that changes this environment needs an approving review from one of these.
 */
export interface Approval {
  owners?: OwnerTeam;
  teams?: Teams;
  excludeLastPusher?: ExcludeTheLastPusher;
}
/**
 * The External Secrets store secrets are read from.
 */
export interface SecretStore {
  kind?: Kind;
  name: Name;
  keyPrefix?: KeyPrefix;
}
/**
 * Infrastructure a service may request, by type.
 */
export interface DependencyCatalog {
  [k: string]: DependencyType;
}
/**
 * A kind of infrastructure and the claim rendered for it.
 *
 * This interface was referenced by `PavedConfig`'s JSON-Schema
 * via the `definition` "dependencyType".
 */
export interface DependencyType {
  apiVersion: ClaimApiVersion;
  kind: ClaimKind;
  classes?: Classes;
  outputs?: Outputs;
  params?: Parameters;
}
/**
 * An environment per pull request, asked for with a label or `/paved preview`: rendered under `<directory>/previews/`, removed when the pull request closes, the label is removed or the TTL passes without a push. Absent: no previews.
 */
export interface Previews {
  from: BasedOn;
  namespace?: NamespacePattern1;
  cluster?: Cluster1;
  ttl?: TimeToLive;
  maxPerRepository?: MaximumPerRepository;
  maxPerOrg?: MaximumPerOrganisation;
  label?: Label;
  keepLabel?: KeepLabel;
}
/**
 * URL patterns shown to developers after deploys, by label; {service}, {env}, {owner}, {namespace} are replaced.
 */
export interface Links {
  [k: string]: string;
}
/**
 * A JSON Schema that each matching unit must satisfy.
 *
 * This interface was referenced by `PavedConfig`'s JSON-Schema
 * via the `definition` "policy".
 */
export interface Policy {
  id: Id;
  description?: Description;
  severity?: Severity;
  match?: Match;
  assert: Assertion;
}
/**
 * Which units the policy applies to (all when absent).
 */
export interface Match {
  environments?: Environments1;
  services?: Services;
  owners?: Owners;
}
/**
 * A JSON Schema (2020-12) applied to the resolved unit (replicas, image, cpu, memory, env, …).
 */
export interface Assertion {}
/**
 * Switch a built-in policy off by id (false): image-tag, image-registry, production-digest, env-secret-literal.
 */
export interface BuiltInPolicies {
  [k: string]: boolean;
}
