import { describe, it, expect } from "vitest";
import { catalogConfig, check, config, errors, exampleConfig, exampleManifest, yaml } from "./manifest-fixtures.js";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import { namespaceFor, originOf, resolveUnits } from "../src/manifest/resolve.js";
import type { PlatformManifest } from "../src/generated/platform.js";

describe("the shared example", () => {
  const result = check(exampleManifest, exampleConfig);

  it("is valid (the only finding is the production-digest warning)", () => {
    expect(errors(result)).toEqual([]);
    expect(result.diagnostics.map((d) => `${d.severity}:${d.code}@${d.line}`)).toEqual(["warning:production-digest@9"]);
  });

  it("has api in staging and production, worker in staging only", () => {
    expect(result.units.map((u) => `${u.service}/${u.environment}`)).toEqual(["api/staging", "api/production", "worker/staging"]);
  });

  it("resolves staging api: override replicas, autoscaling removed, base host", () => {
    const api = result.units[0]!;
    expect(api).toMatchObject({
      owner: "payments",
      system: "checkout",
      lifecycle: "production",
      namespace: "payments-staging",
      cluster: "https://kubernetes.default.svc",
    });
    expect(api.spec.replicas).toBe(1);
    expect(api.spec.autoscaling).toBeUndefined();
    expect(api.spec.ingress).toEqual({ host: "api.payments.example.com", path: "/" });
    expect(api.spec.env).toEqual({ LOG_LEVEL: "info", DATABASE_URL: "${dependencies.db.url}" });
    expect(api.origins["/replicas"]).toBe("/environments/staging/services/api/replicas");
    expect(api.origins["/image"]).toBe("/services/api/image");
    expect(api.origins["/autoscaling"]).toBeUndefined();
  });

  it("resolves production api: override replicas and host, base autoscaling", () => {
    const api = result.units[1]!;
    expect(api.namespace).toBe("payments");
    expect(api.cluster).toBe("https://prod.k8s.acme.io");
    expect(api.spec.replicas).toBe(3);
    expect(api.spec.ingress).toEqual({ host: "api.example.com", path: "/" });
    expect(api.spec.autoscaling).toEqual({ min: 2, max: 10, cpu: 70 });
    expect(api.origins["/ingress/host"]).toBe("/environments/production/services/api/ingress/host");
    expect(api.origins["/autoscaling/max"]).toBe("/services/api/autoscaling/max");
    expect(api.origins["/env/LOG_LEVEL"]).toBe("/services/api/env/LOG_LEVEL");
  });

  it("fills the worker's defaults, which have no origin but the service key", () => {
    const worker = result.units[2]!;
    expect(worker.spec).toEqual({
      image: "ghcr.io/acme/payments-worker@sha256:4c1e7bd1c5f3a1b0e6a0e3d4c2b1a09f8e7d6c5b4a3928171605f4e3d2c1b0a9",
      command: ["node", "worker.js"],
      replicas: 1,
      cpu: "100m",
      memory: "128Mi",
      env: {},
      secrets: {},
      dependencies: {},
    });
    expect(worker.origins["/replicas"]).toBeUndefined();
    expect(originOf(worker, "/replicas")).toBe("/services/worker");
    expect(originOf(worker, "/command/1")).toBe("/services/worker/command/1");
  });
});

describe("resolve", () => {
  const manifest = (text: string) => check(text, catalogConfig);

  it("defaults the ingress host from the environment's domain and the path to /", () => {
    const result = manifest(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api: { image: 'a:1', port: 80, ingress: {} }
      environments:
        production:
          services:
            api: { ingress: { host: api.acme.io, path: /v1 } }
    `);
    expect(errors(result)).toEqual([]);
    expect(result.units.map((u) => u.spec.ingress)).toEqual([
      { host: "api.payments.staging.acme.io", path: "/" },
      { host: "api.acme.io", path: "/v1" },
    ]);
    // A defaulted leaf is located at its nearest written ancestor.
    expect(originOf(result.units[0]!, "/ingress/host")).toBe("/services/api/ingress");
  });

  it("enabled resolves per environment: off in the base, on in one override", () => {
    const result = manifest(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        job: { image: 'a:1', enabled: false }
      environments:
        production:
          services:
            job: { enabled: true }
    `);
    expect(result.units.map((u) => `${u.service}/${u.environment}`)).toEqual(["job/production"]);
    expect("enabled" in result.units[0]!.spec).toBe(false);
  });

  it("follows the config's environment order and namespace patterns", () => {
    const cfg = config(yaml`
      environments:
        dev: { cluster: "https://dev.example", namespace: "{env}-{owner}" }
        prod: { cluster: "https://prod.example", namespace: "{owner}" }
    `);
    const result = check("apiVersion: paved.dev/v1\nowner: team-a\nservices:\n  b: { image: 'a:1' }\n  a: { image: 'a:1' }\n", {
      ...cfg,
      builtins: { "production-digest": false },
    });
    expect(result.units.map((u) => `${u.service}/${u.environment}/${u.namespace}`)).toEqual([
      "b/dev/dev-team-a",
      "b/prod/team-a",
      "a/dev/dev-team-a",
      "a/prod/team-a",
    ]);
  });

  it("an override object replaces lists and merges maps; null removes", () => {
    const result = manifest(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api:
          image: a:1
          command: [a, b, c]
          env: { A: "1", B: "2" }
      environments:
        staging:
          services:
            api: { command: [z], env: { B: null, C: 3 } }
    `);
    const staging = result.units[0]!;
    expect(staging.spec.command).toEqual(["z"]);
    expect(staging.spec.env).toEqual({ A: "1", C: "3" }); // env values are the text as written
    expect(staging.origins["/command/0"]).toBe("/environments/staging/services/api/command/0");
    expect(staging.origins["/env/A"]).toBe("/services/api/env/A");
    expect(staging.origins["/env/C"]).toBe("/environments/staging/services/api/env/C");
    expect(staging.origins["/env/B"]).toBeUndefined();
    expect(result.units[1]!.spec.command).toEqual(["a", "b", "c"]);
  });

  it("keeps __proto__ and constructor as ordinary keys", () => {
    const result = manifest(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api:
          image: a:1
          env: { __proto__: "x", constructor: "y" }
      environments:
        staging:
          services:
            api: { env: { __proto__: "z" } }
    `);
    expect(errors(result)).toEqual([]);
    const [staging, production] = result.units;
    expect(Object.getPrototypeOf(staging!.spec.env)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(staging!.spec.env, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(staging!.spec.env, "__proto__")!.value).toBe("z");
    expect(Object.getOwnPropertyDescriptor(production!.spec.env, "__proto__")!.value).toBe("x");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("resolveUnits works on a plain manifest object", () => {
    const plain: PlatformManifest = { apiVersion: "paved.dev/v1", owner: "o", services: { s: { image: "a:1" } } };
    expect(resolveUnits(plain, DEFAULT_CONFIG).map((u) => u.namespace)).toEqual(["o-staging", "o-production"]);
  });

  it("namespaceFor fills every placeholder", () => {
    expect(namespaceFor("{owner}-{env}-x-{owner}", "o", "e")).toBe("o-e-x-o");
  });
});
