/**
 * Benchmark inputs: a 3-environment org config (staging, canary, production) and generated team
 * manifests of up to 100 services (the platform.yaml contract caps a manifest at 100 services, so a
 * 1,000-service GitOps repository is 10 source repositories × 100 services).
 *
 * Services cycle through four shapes (an API with autoscaling, a dependency and a secret; a web
 * front end; a worker; an internal service with per-environment overrides) so every template runs.
 * `changed` gives the first `changed` services a new image in production only: one unit each, so
 * `changed: 3` on 100 services (300 units) changes 1% of the units.
 */

export const CONFIG_TEXT = `gitops:
  repository: acme/gitops
  branch: main
  directory: ""
manifest: platform.yaml
render:
  mode: manifests
argocd:
  url: https://argocd.acme.io
  namespace: argocd
environments:
  staging:
    cluster: https://kubernetes.default.svc
    namespace: "{owner}-staging"
    domain: staging.acme.io
    autoSync: true
  canary:
    cluster: https://canary.k8s.acme.io
    namespace: "{owner}-canary"
    domain: canary.acme.io
    autoSync: true
  production:
    cluster: https://prod.k8s.acme.io
    namespace: "{owner}"
    domain: acme.io
    autoSync: false
registries: [ghcr.io/acme/]
secretStore: { kind: ClusterSecretStore, name: vault }
dependencies:
  postgres:
    apiVersion: database.acme.io/v1alpha1
    kind: PostgreSQLInstance
    classes: [small, medium, large]
    outputs: [host, port, username, password, database, url]
links:
  logs: https://grafana.acme.io/explore?service={service}&env={env}
policies:
  - id: prod-min-replicas
    description: Production services run at least 2 replicas
    severity: error
    match: { environments: [production] }
    assert:
      properties: { replicas: { minimum: 2 } }
`;

export const TEAM_COUNT = 10;
export const MAX_SERVICES = 100;

export function teamName(team) {
  return `team-${String(team).padStart(2, "0")}`;
}

export function sourceOf(team) {
  return { repository: `acme/${teamName(team)}` };
}

function digest(team, i) {
  return (team * 1000 + i).toString(16).padStart(64, "0");
}

/**
 * One team's platform.yaml with `count` services; the first `changed` get a new production image.
 * `count` may exceed 100 only to measure parsing beyond the contract's cap.
 */
export function teamManifest(team, count, { changed = 0 } = {}) {
  const owner = teamName(team);
  const lines = [
    "apiVersion: paved.dev/v1",
    `owner: ${owner}`,
    `system: ${owner}-system`,
    "lifecycle: production",
    "services:",
  ];
  const overrides = { staging: [], canary: [], production: [] };
  const override = (env, name, fields) => overrides[env].push(`      ${name}: { ${fields.join(", ")} }`);
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    const image = `ghcr.io/acme/${owner}-${name}:1.0.0@sha256:${digest(team, i)}`;
    const production = i < changed ? [`image: "ghcr.io/acme/${owner}-${name}:1.0.1@sha256:${digest(team + 100, i)}"`] : [];
    lines.push(`  ${name}:`, `    description: Service ${i} of ${owner}`, `    image: ${image}`);
    switch (i % 4) {
      case 0: // API: autoscaling, a database, a secret
        lines.push(
          "    port: 8080",
          "    replicas: 2",
          "    cpu: 250m",
          "    memory: 256Mi",
          "    env:",
          "      LOG_LEVEL: info",
          "      DATABASE_URL: ${dependencies.db.url}",
          "      FEATURE_FLAGS: \"checkout,refunds\"",
          "    secrets:",
          `      STRIPE_KEY: { key: ${owner}/${name}/stripe, property: api-key }`,
          "    health:",
          "      path: /healthz",
          "    ingress:",
          "      path: /",
          "    autoscaling: { min: 2, max: 10, cpu: 70 }",
          "    dependencies:",
          "      db: { type: postgres, class: small }",
        );
        override("staging", name, ["replicas: 1", "autoscaling: null"]);
        break;
      case 1: // web front end
        lines.push(
          "    port: 3000",
          "    replicas: 2",
          "    env:",
          "      NODE_ENV: production",
          `      API_URL: https://${owner}.acme.io/api`,
          "    health:",
          "      path: /ready",
          "    ingress:",
          `      host: ${name}.${owner}.acme.io`,
        );
        production.push("replicas: 4");
        break;
      case 2: // worker
        lines.push("    command: [node, worker.js]", "    args: [--queue, default]", "    replicas: 2", "    memory: 512Mi", "    env:", "      CONCURRENCY: 4");
        break;
      default: // internal service with overrides
        lines.push("    port: 9090", "    replicas: 2", "    env:", "      LOG_LEVEL: warn", "      CACHE_TTL: 300");
        override("canary", name, ["env: { LOG_LEVEL: debug }"]);
        break;
    }
    if (production.length > 0) override("production", name, production);
  }
  lines.push("environments:");
  for (const [env, entries] of Object.entries(overrides)) {
    if (entries.length === 0) continue;
    lines.push(`  ${env}:`, "    services:", ...entries);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Sizes measured: services in the GitOps repository → manifests (source repositories) × services
 * per manifest, and services per manifest whose production unit changes (1% of units, at least 1).
 */
export const SIZES = {
  10: { teams: 1, services: 10, changed: 1 },
  100: { teams: 1, services: 100, changed: 3 },
  1000: { teams: TEAM_COUNT, services: MAX_SERVICES, changed: 3 },
};
