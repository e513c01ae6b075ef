/**
 * Argo CD's part, played for the demo and the tests: Application objects as Argo CD holds them (the
 * Application Paved rendered into the GitOps repository, plus a `status` shaped like Argo CD's own
 * test data, controller/testdata), and webhook bodies produced from them by the notification
 * templates Paved rendered — the real ConfigMap, evaluated just far enough: the body templates only
 * use `{{toJson .app.<path>}}`, which is Go's text/template with Sprig's toJson.
 */
// js-yaml, not `yaml`: reading plain data back needs no source positions, and js-yaml's loader is the faster one.
import { load } from "js-yaml";

export interface ArgoState {
  revision: string;
  /** operationState.phase; null: no operation yet. */
  phase: "Running" | "Succeeded" | "Failed" | "Error" | null;
  health?: "Healthy" | "Progressing" | "Degraded" | "Missing";
  sync?: "Synced" | "OutOfSync";
  message?: string;
  /** Resources not healthy: [kind, name, health, message]. */
  unhealthy?: Array<[string, string, string, string]>;
  /** Resources the sync could not apply: [kind, name, message]. */
  syncFailed?: Array<[string, string, string]>;
}

/** A rendered Application (its YAML), with Argo CD's `status` for `state`. */
export function applicationWithStatus(applicationYaml: string, state: ArgoState): Record<string, any> {
  const app = load(applicationYaml) as Record<string, any>;
  const namespace = app.spec.destination.namespace as string;
  const service = app.metadata.labels["app.kubernetes.io/name"] as string;
  const health = state.health ?? (state.phase === "Succeeded" ? "Healthy" : "Progressing");
  const resources = [
    { group: "", version: "v1", kind: "Service", namespace, name: service, status: "Synced", health: { status: "Healthy" } },
    { group: "apps", version: "v1", kind: "Deployment", namespace, name: service, status: "Synced", health: { status: health === "Degraded" ? "Healthy" : health } },
  ];
  for (const [kind, name, status, message] of state.unhealthy ?? []) {
    const existing = resources.find((r) => r.kind === kind && r.name === name);
    if (existing) existing.health = { status, message } as never;
  }
  const operationState =
    state.phase === null
      ? undefined
      : {
          phase: state.phase,
          message: state.message ?? (state.phase === "Succeeded" ? "successfully synced (all tasks run)" : state.phase === "Running" ? "waiting for healthy state of apps/Deployment/" + service : ""),
          startedAt: "2024-01-01T00:10:00Z",
          ...(state.phase !== "Running" ? { finishedAt: "2024-01-01T00:10:05Z" } : {}),
          operation: { initiatedBy: { automated: true }, retry: { limit: 5 }, sync: { revision: state.revision, prune: true } },
          ...(state.phase !== "Running"
            ? {
                syncResult: {
                  revision: state.revision,
                  source: app.spec.source,
                  resources: [
                    ...resources
                      .filter((r) => !(state.syncFailed ?? []).some(([kind, name]) => kind === r.kind && name === r.name))
                      .map((r) => ({ group: r.group, version: r.version, kind: r.kind, namespace, name: r.name, status: "Synced", message: `${r.kind.toLowerCase()}/${r.name} configured`, hookPhase: "Running", syncPhase: "Sync" })),
                    ...(state.syncFailed ?? []).map(([kind, name, message]) => ({ group: "apps", version: "v1", kind, namespace, name, status: "SyncFailed", message, hookPhase: "Failed", syncPhase: "Sync" })),
                  ],
                },
              }
            : {}),
        };
  app.status = {
    sync: { status: state.sync ?? "Synced", revision: state.revision, comparedTo: { source: app.spec.source, destination: app.spec.destination } },
    health: { status: health, lastTransitionTime: "2024-01-01T00:10:04Z" },
    ...(operationState ? { operationState } : {}),
    resources,
    reconciledAt: "2024-01-01T00:10:06Z",
    sourceType: "Directory",
    summary: { images: [] },
  };
  return app;
}

/** The body Argo CD's webhook service sends for `trigger`, from the ConfigMap Paved rendered (its YAML). */
export function webhookBody(configMapYaml: string, trigger: string, app: Record<string, unknown>): string {
  const configMap = load(configMapYaml) as { data: Record<string, string> };
  const template = load(configMap.data[`template.${trigger}`]!) as { webhook: { paved: { method: string; body: string } } };
  const body = template.webhook.paved.body;
  const rest = body.replace(/\{\{toJson \.app\.([A-Za-z0-9_.]+)\}\}/g, "");
  if (rest.includes("{{")) throw new Error(`the template uses more than {{toJson .app.<path>}}: ${rest}`);
  return body.replace(/\{\{toJson \.app\.([A-Za-z0-9_.]+)\}\}/g, (_, path: string) => JSON.stringify(lookup(app, path) ?? null));
}

/** A Go template field path on a map: a missing key is nil (JSON null), as text/template gives it. */
function lookup(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
