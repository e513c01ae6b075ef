/**
 * The AppProject of a team: its RBAC fence in Argo CD. It depends only on the owner and the org
 * config, so every source repository of the team renders it byte for byte the same.
 */
import type { ResolvedConfig } from "../config/types.js";
import { namespaceFor } from "../manifest/resolve.js";
import { compareText, entries, yamlString, type Entry, type YamlScalar } from "./encode.js";
import { MANAGED_BY } from "./names.js";

type S = YamlScalar;

export interface ProjectView {
  owner: S;
  description: S;
  namespace: S;
  sourceRepos: S[];
  /** One per environment, in promotion order. */
  destinations: Array<{ environment: S; server: S; namespace: S }>;
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
      // A team's services each get their namespace from the pattern: `{service}` matches any.
      namespace: yamlString(namespaceFor(env.namespace, owner, env.name, "*")),
    })),
    labels: entries([
      ["app.kubernetes.io/managed-by", yamlString(MANAGED_BY)],
      ["paved.dev/owner", yamlString(owner)],
    ]),
  };
}
