/** `<directory>/argocd/argocd-notifications-cm.yaml`: the Argo CD side of deployment feedback, for the platform team. */
import type { Unit } from "../core/unit.js";
import { notificationsConfigMap } from "./argocd-notifications.js";
import type { RenderContext } from "./render-context.js";
import { notificationsPath } from "./layout.js";

/**
 * Depends only on the org config, so every source repository renders it identically (a shared
 * file: never a conflict, never deleted). Rendered only when there is something to deploy.
 */
export function renderNotifications(units: readonly Unit[], ctx: RenderContext): string[] {
  if (units.length === 0) return [];
  const target = notificationsPath(ctx.config.gitops.directory);
  if (!("path" in target)) return [];
  ctx.files.set(target.path, notificationsConfigMap(ctx.shared.argocd.namespace));
  return [target.path];
}
