/**
 * The built-in org config (spec: "Built-in defaults when no config is given"): staging then
 * production on the local cluster, namespaces `{owner}-{env}`, plain manifests, no registry
 * restriction, no dependency types. `loadConfig("")` resolves to exactly this (tested).
 */
import type { ResolvedConfig } from "./types.js";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const DEFAULT_CONFIG: ResolvedConfig = deepFreeze<ResolvedConfig>({
  gitops: { branch: "main", directory: "" },
  fleet: { mode: "pull-requests" },
  manifest: "platform.yaml",
  render: { mode: "manifests", templates: null },
  argocd: { url: null, namespace: "argocd" },
  environments: [
    {
      name: "staging",
      cluster: "https://kubernetes.default.svc",
      namespace: "{owner}-{env}",
      autoSync: true,
      production: false,
      mode: "direct",
      promote: { kind: "merge" },
    },
    {
      name: "production",
      cluster: "https://kubernetes.default.svc",
      namespace: "{owner}-{env}",
      autoSync: false,
      production: true,
      mode: "direct",
      promote: { kind: "merge" },
    },
  ],
  registries: [],
  secretStore: { kind: "ClusterSecretStore", name: "default", keyPrefix: "{owner}/" },
  dependencies: {},
  links: {},
  policies: [],
  builtins: {},
});
