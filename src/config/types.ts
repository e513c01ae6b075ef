import type {
  Approval,
  Chart,
  DependencyType,
  Environment,
  Policy,
} from "../generated/config.js";

/** The org config with every default filled in: what the core works with. */
export interface ResolvedEnvironment extends Omit<Environment, "namespace" | "autoSync" | "mode" | "approval" | "production"> {
  name: string;
  /** Namespace pattern with {owner}, {env}, {service}. */
  namespace: string;
  autoSync: boolean;
  production: boolean;
  mode: "direct" | "pull-request";
  approval?: Required<Approval>;
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
}
