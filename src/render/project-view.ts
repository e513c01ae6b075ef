/**
 * The AppProject of a team: its RBAC fence in Argo CD. It depends only on the owner and the org
 * config, so every source repository of the team renders it byte for byte the same.
 */
import type { ResolvedConfig } from "../config/types.js";
import { namespaceFor } from "../manifest/resolve.js";
import { compareText, entries, yamlString, type Entry, type YamlScalar } from "./encode.js";
import { MANAGED_BY } from "../core/names.js";

type S = YamlScalar;

export interface ProjectView {
  owner: S;
  description: S;
  namespace: S;
  sourceRepos: S[];
  /** One per environment, in promotion order: the team's exact namespace there, never a glob. */
  destinations: Array<{ environment: S; server: S; namespace: S }>;
  /** The team's namespaces, each once, sorted: the only `Namespace` objects the project may create. */
  namespaces: S[];
  labels: Entry[];
}

export function buildProjectView(owner: string, config: ResolvedConfig, gitopsRepoURL: string): ProjectView {
  const repos = new Set([gitopsRepoURL]);
  if (config.render.mode === "helm" && config.render.chart) repos.add(config.render.chart.repoURL);
  return {
    owner: yamlString(owner),
    description: yamlString(`Services of team ${owner}, deployed by Paved`),
    namespace: yamlString(config.argocd.namespace),
    sourceRepos: [...repos].sort(compareText).map(yamlString),
    destinations: config.environments.map((env) => ({
      environment: yamlString(env.name),
      server: yamlString(env.cluster),
      // Exact: the config refuses patterns that could give another team (or environment) this
      // namespace on this cluster, so the fence reaches nothing but this team's namespaces.
      namespace: yamlString(namespaceFor(env.namespace, owner, env.name)),
    })),
    namespaces: [...new Set(config.environments.map((env) => namespaceFor(env.namespace, owner, env.name)))].sort(compareText).map(yamlString),
    labels: entries([
      ["app.kubernetes.io/managed-by", yamlString(MANAGED_BY)],
      ["paved.dev/owner", yamlString(owner)],
    ]),
  };
}
