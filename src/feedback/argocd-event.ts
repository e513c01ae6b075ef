/**
 * What Argo CD Notifications posts to Paved, as the shipped template (notifications.ts) renders it
 * from an Application object. Everything in it is a hint: the repository and revision it names are
 * looked up through GitHub before anything is written, and nothing in it is trusted for where to write.
 */

/** The parts of an Application's `status` Paved reads (shapes from Argo CD's Application CRD). */
export interface ArgoEvent {
  /** The trigger that fired (on-sync-running, on-deployed, on-sync-failed, on-health-degraded). */
  trigger: string;
  application: { name: string; namespace: string; labels: Record<string, string> };
  /** The Application's GitOps source (`spec.source.repoURL`, or every `spec.sources[].repoURL`). */
  repoURLs: string[];
  sync: { status: string; revision: string };
  health: { status: string; message: string };
  operation: {
    phase: string;
    message: string;
    /** `operationState.syncResult.revision`, else `operationState.operation.sync.revision`. */
    revision: string;
  } | null;
  /** Resources whose health is neither Healthy nor absent: "Deployment/api: Degraded (…)". */
  unhealthy: string[];
  /** Resources the sync operation could not apply: "Deployment/api: <message>". */
  failedResources: string[];
}

export type ParsedEvent = { ok: true; event: ArgoEvent } | { ok: false; reason: string };

/** Each string taken from the payload is cut to this: descriptions on GitHub hold 140 characters. */
const MAX_TEXT = 1000;
/** At most this many resources are named in a reason. */
const MAX_RESOURCES = 20;

export function parseArgoEvent(json: unknown): ParsedEvent {
  if (!isObject(json)) return { ok: false, reason: "the body is not a JSON object" };
  const app = json.app;
  if (!isObject(app)) return { ok: false, reason: "the body has no `app` object (is the Paved notification template installed?)" };
  const metadata = isObject(app.metadata) ? app.metadata : {};
  const spec = isObject(app.spec) ? app.spec : {};
  const status = isObject(app.status) ? app.status : {};
  const name = text(metadata.name);
  if (name === "") return { ok: false, reason: "`app.metadata.name` is missing" };

  const labels: Record<string, string> = {};
  if (isObject(metadata.labels)) {
    for (const [key, value] of Object.entries(metadata.labels)) if (typeof value === "string") labels[key] = text(value);
  }
  const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])].filter(isObject);
  const sync = isObject(status.sync) ? status.sync : {};
  const health = isObject(status.health) ? status.health : {};
  const op = isObject(status.operationState) ? status.operationState : null;
  const syncResult = op && isObject(op.syncResult) ? op.syncResult : {};
  const operationSync = op && isObject(op.operation) && isObject(op.operation.sync) ? op.operation.sync : {};

  const unhealthy = (Array.isArray(status.resources) ? status.resources : [])
    .filter(isObject)
    .filter((r) => isObject(r.health) && typeof r.health.status === "string" && r.health.status !== "Healthy")
    .map((r) => {
      const h = r.health as Record<string, unknown>;
      const message = text(h.message);
      return `${text(r.kind)}/${text(r.name)}: ${text(h.status)}${message ? ` (${message})` : ""}`;
    })
    .slice(0, MAX_RESOURCES);
  const failedResources = (Array.isArray(syncResult.resources) ? syncResult.resources : [])
    .filter(isObject)
    .filter((r) => r.status === "SyncFailed" || r.hookPhase === "Failed" || r.hookPhase === "Error")
    .map((r) => `${text(r.kind)}/${text(r.name)}: ${text(r.message)}`)
    .slice(0, MAX_RESOURCES);

  return {
    ok: true,
    event: {
      trigger: text(json.trigger),
      application: { name, namespace: text(metadata.namespace), labels },
      repoURLs: sources.map((s) => text(s.repoURL)).filter((url) => url !== ""),
      sync: { status: text(sync.status), revision: text(sync.revision) },
      health: { status: text(health.status), message: text(health.message) },
      operation: op
        ? { phase: text(op.phase), message: text(op.message), revision: text(syncResult.revision) || text(operationSync.revision) }
        : null,
      unhealthy,
      failedResources,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A payload string, single-line and bounded; anything else is "". */
function text(value: unknown): string {
  if (typeof value !== "string") return "";
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, MAX_TEXT);
}
