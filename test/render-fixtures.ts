// Shared inputs for the render tests: the example through the real manifest pipeline, and
// hand-built units for properties and edge cases.
import type { ResolvedConfig } from "../src/config/types.js";
import type { Source } from "../src/core/files.js";
import type { ResolvedService, Unit } from "../src/core/unit.js";
import { checkManifestAndPolicies as checkManifest } from "../src/policy/checked-manifest.js";
import { exampleConfig, exampleManifest } from "./manifest-fixtures.js";

export const SOURCE: Source = { repository: "acme/payments", sha: "0123456789abcdef0123456789abcdef01234567" };

export const manifestsConfig: ResolvedConfig = exampleConfig;
export const helmConfig: ResolvedConfig = { ...exampleConfig, render: { ...exampleConfig.render, mode: "helm" } };

/** The shared example's units (staging api, production api, staging worker), via checkManifest. */
export function exampleUnits(config: ResolvedConfig = manifestsConfig): Unit[] {
  const check = checkManifest(exampleManifest, "platform.yaml", config);
  const errors = check.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`example manifest has errors: ${JSON.stringify(errors)}`);
  return check.units;
}

/** A unit with every field set, for the edge-case tests; `spec` overrides fields. */
export function fullUnit(spec: Partial<ResolvedService> = {}, unit: Partial<Unit> = {}): Unit {
  return {
    owner: "payments",
    system: "checkout",
    lifecycle: "production",
    service: "api",
    environment: "staging",
    namespace: "payments-staging",
    cluster: "https://kubernetes.default.svc",
    origins: {},
    ...unit,
    spec: {
      description: "Payments HTTP API",
      image: "ghcr.io/acme/payments-api:1.4.2",
      command: ["node", "server.js"],
      args: ["--verbose"],
      port: 8080,
      replicas: 2,
      cpu: "250m",
      memory: "256Mi",
      env: { LOG_LEVEL: "info", DATABASE_URL: "${dependencies.db.url}", RETRIES: 3, DEBUG: false },
      secrets: { STRIPE_KEY: { key: "payments/stripe", property: "api-key" } },
      health: { path: "/healthz" },
      ingress: { host: "api.payments.example.com", path: "/" },
      autoscaling: { min: 2, max: 10, cpu: 70 },
      dependencies: { db: { type: "postgres", class: "small", params: { version: "16", storageGB: 20, ha: true } } },
      ...spec,
    },
  };
}
