import type {
  Approval,
  Chart,
  DependencyType,
  Environment,
  Policy,
} from "../generated/config.js";

/** The org config with every default filled in: what the core works with. */
/** How a source commit reaches an environment: every merge, once an earlier environment is healthy with it, or only by command. */
export type PromotionPolicy = { kind: "merge" } | { kind: "after"; environment: string } | { kind: "manual" };

export interface ResolvedEnvironment extends Omit<Environment, "namespace" | "autoSync" | "mode" | "approval" | "production" | "promote"> {
  name: string;
  /** Namespace pattern with {owner}, {env}, {service}. */
  namespace: string;
  autoSync: boolean;
  production: boolean;
  mode: "direct" | "pull-request";
  approval?: Required<Approval>;
  promote: PromotionPolicy;
  /** Whose manifest overrides apply first, beneath this environment's own (a preview is its `from` plus `preview`). */
  overridesFrom?: string;
}

export interface ResolvedConfig {
  gitops: { repository?: string; branch: string; directory: string };
  /** How an org config or template change reaches deployed sources: a GitOps PR per environment, or one commit. */
  fleet: { mode: "pull-requests" | "commit" };
  manifest: string;
  render: { mode: "manifests" | "helm"; chart?: Chart; templates: string | null };
  argocd: { url: string | null; namespace: string };
  /** In promotion order. */
  environments: ResolvedEnvironment[];
  registries: string[];
  /** `keyPrefix`: the pattern every secret key must start with ("" = unscoped). */
  secretStore: { kind: "SecretStore" | "ClusterSecretStore"; name: string; keyPrefix: string };
  /** `params`: the claim parameters a manifest may set; null = any (never `class`). */
  dependencies: Record<string, Required<Omit<DependencyType, "params">> & { params: string[] | null }>;
  links: Record<string, string>;
  policies: Policy[];
  builtins: Record<string, boolean>;
  /** Absent: the org has no previews. */
  previews?: ResolvedPreviews;
}

/** The `previews:` block with its defaults (docs/paved-config.md). */
export interface ResolvedPreviews {
  /** The environment a preview is based on: its org-config settings, with the manifest's `environments.preview` overrides. */
  from: string;
  /** `a{owner}b{number}c`: checked at load against every environment's namespace. */
  namespace: string;
  cluster: string;
  /** Milliseconds without a push after which a preview is removed. */
  ttlMs: number;
  ttl: string;
  maxPerRepository: number;
  maxPerOrg: number;
  label: string;
  keepLabel: string;
}
