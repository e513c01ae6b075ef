import type { ResolvedConfig } from "../config/types.js";

/** The Application's page in Argo CD (`argocd.url` in the org config), or undefined when no URL is configured. */
export function argoApplicationUrl(config: Pick<ResolvedConfig, "argocd">, application: string): string | undefined {
  if (!config.argocd.url) return undefined;
  return `${config.argocd.url.replace(/\/+$/, "")}/applications/${encodeURIComponent(config.argocd.namespace)}/${encodeURIComponent(application)}`;
}
