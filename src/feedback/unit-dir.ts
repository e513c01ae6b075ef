import type { ResolvedConfig } from "../config/types.js";
import { namespaceFor } from "../manifest/resolve.js";
import { unitDir } from "../render/layout.js";
import { MANAGED_BY } from "../core/names.js";

/**
 * The unit directory an Application's labels point at (view-model.ts puts them on every
 * Application Paved renders), or null for an Application Paved does not render. A hint: the
 * directory's Paved commits must then name this very Application in their trailers.
 */
export function unitDirFromLabels(labels: Record<string, string>, config: Pick<ResolvedConfig, "environments" | "gitops">): string | null {
  const environment = labels["paved.dev/environment"];
  const owner = labels["paved.dev/owner"];
  const service = labels["app.kubernetes.io/name"];
  if (labels["app.kubernetes.io/managed-by"] !== MANAGED_BY || !environment || !owner || !service) return null;
  const env = config.environments.find((e) => e.name === environment);
  if (!env) return null;
  const dir = unitDir(config.gitops.directory, { environment, namespace: namespaceFor(env.namespace, owner, environment), service });
  return "path" in dir ? dir.path : null;
}
