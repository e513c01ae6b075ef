/** Argo CD's side for the app tests: the demo's stand-in (src/demo/argocd.ts) over a fake GitOps tree. */
import { applicationWithStatus as withStatus, webhookBody as body, type ArgoState } from "../../src/demo/argocd.js";

export type { ArgoState };

/** The Application object at `path` of a GitOps tree, with Argo CD's `status` for `state`. */
export function applicationWithStatus(tree: Record<string, string>, path: string, state: ArgoState): Record<string, any> {
  return withStatus(tree[path]!, state);
}

/** The body Argo CD's webhook service sends for `trigger`, from the ConfigMap at `configMapPath` of the tree. */
export function webhookBody(tree: Record<string, string>, configMapPath: string, trigger: string, app: Record<string, unknown>): string {
  return body(tree[configMapPath]!, trigger, app);
}
