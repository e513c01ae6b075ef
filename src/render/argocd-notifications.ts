/**
 * The Argo CD side of deployment feedback: an `argocd-notifications-cm` that sends Paved one webhook
 * per sync running / deployed / sync failed / health degraded, for every Application Paved renders
 * (one global subscription by label selector; no annotation that changes per deploy).
 *
 * The webhook body is a Go text/template (Argo CD Notifications): only `{{toJson .app.<path>}}`
 * fields, so what Paved receives is exactly these parts of the Application object, JSON-encoded by
 * Argo CD. The URL and the bearer token come from `argocd-notifications-secret` (`$paved-url`,
 * `$paved-token`): no secret is ever in the GitOps repository.
 */
import type { YamlScalar } from "./encode.js";
import { MANAGED_BY } from "../core/names.js";

/** The label every Application Paved renders carries (view-model.ts), and the subscription selects. */
export const NOTIFY_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

/**
 * Argo CD's catalog triggers, under Paved's names so they do not clash with an installed catalog.
 * Each sends the template of the same name.
 */
export const PAVED_TRIGGERS: ReadonlyArray<{ name: string; description: string; when: string; oncePer: string }> = [
  {
    name: "paved-on-sync-running",
    description: "Application is being synced",
    when: "app.status.operationState != nil and app.status.operationState.phase in ['Running']",
    oncePer: "app.status.operationState?.syncResult?.revision",
  },
  {
    name: "paved-on-deployed",
    description: "Application is synced and healthy. Triggered once per commit.",
    when:
      "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy' and " +
      "(!time.Parse(app.status.health.lastTransitionTime).Add(1 * time.Minute).Before(time.Parse(app.status.operationState.finishedAt)) or " +
      "time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.startedAt)))",
    oncePer: "app.status.operationState?.syncResult?.revision",
  },
  {
    name: "paved-on-sync-failed",
    description: "Application syncing has failed",
    when: "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
    oncePer: "app.status.operationState?.syncResult?.revision",
  },
  {
    name: "paved-on-health-degraded",
    description: "Application has degraded",
    when: "app.status.health.status == 'Degraded'",
    oncePer: "app.status.operationState?.syncResult?.revision",
  },
];

/** The webhook body for one trigger: the parts of the Application Paved reads, as Argo CD's JSON. */
export function webhookBody(trigger: string): string {
  const field = (path: string) => `{{toJson .app.${path}}}`;
  return [
    "{",
    `  "trigger": "${trigger}",`,
    '  "app": {',
    `    "metadata": { "name": ${field("metadata.name")}, "namespace": ${field("metadata.namespace")}, "labels": ${field("metadata.labels")} },`,
    `    "spec": { "source": ${field("spec.source")}, "sources": ${field("spec.sources")} },`,
    "    \"status\": {",
    `      "sync": ${field("status.sync")},`,
    `      "health": ${field("status.health")},`,
    `      "operationState": ${field("status.operationState")},`,
    `      "resources": ${field("status.resources")}`,
    "    }",
    "  }",
    "}",
  ].join("\n");
}

const indent = (text: string, spaces: number) =>
  text
    .split("\n")
    .map((line) => (line === "" ? line : " ".repeat(spaces) + line))
    .join("\n");

/** The whole ConfigMap, for `<directory>/argocd/argocd-notifications-cm.yaml`. */
export function notificationsConfigMap(namespace: YamlScalar): string {
  const data: string[] = [
    "  service.webhook.paved: |",
    "    url: $paved-url",
    "    headers:",
    "      - name: Content-Type",
    "        value: application/json",
    "      - name: Authorization",
    "        value: Bearer $paved-token",
  ];
  for (const trigger of PAVED_TRIGGERS) {
    data.push(
      `  template.${trigger.name}: |`,
      "    webhook:",
      "      paved:",
      "        method: POST",
      "        body: |",
      indent(webhookBody(trigger.name), 10),
    );
  }
  for (const trigger of PAVED_TRIGGERS) {
    data.push(
      `  trigger.${trigger.name}: |`,
      `    - description: ${trigger.description}`,
      `      when: ${trigger.when}`,
      `      oncePer: ${trigger.oncePer}`,
      `      send: [${trigger.name}]`,
    );
  }
  data.push(
    "  subscriptions: |",
    "    - recipients: [paved]",
    `      selector: ${NOTIFY_SELECTOR}`,
    `      triggers: [${PAVED_TRIGGERS.map((t) => t.name).join(", ")}]`,
  );
  return [
    "# Argo CD Notifications for Paved: merge these keys into your argocd-notifications-cm, and put",
    "# `paved-url` (https://<paved host>/api/argocd/events) and `paved-token` (PAVED_ARGOCD_TOKEN)",
    "# into argocd-notifications-secret. Rendered by Paved; not synced by the root Applications.",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: argocd-notifications-cm",
    `  namespace: ${namespace}`,
    "data:",
    ...data,
    "",
  ].join("\n");
}
