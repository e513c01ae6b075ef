// Each default is stated once, in the schemas: the code reads them from there (#12).
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import { loadConfig } from "../src/config/load.js";
import { schemaDocument } from "../src/document/schema-document.js";
import { SERVICE_DEFAULTS } from "../src/manifest/service-defaults.js";
import { unitState } from "../src/plan/unit-state.js";
import { check, yaml } from "./manifest-fixtures.js";

type Schema = Record<string, any>;
const platform = schemaDocument("platform") as Schema;
const configSchema = schemaDocument("config") as Schema;

describe("service defaults", () => {
  it("are platform.schema.json's `default`s", () => {
    const defs = platform.$defs;
    expect(SERVICE_DEFAULTS).toEqual({
      replicas: defs.replicas.default,
      cpu: defs.cpu.default,
      memory: defs.memory.default,
      autoscalingCpu: defs.autoscaling.properties.cpu.default,
      ingressPath: defs.ingress.properties.path.default,
    });
  });

  it("fill a unit that leaves them out, and its ownership-index state", () => {
    const result = check(yaml`
      apiVersion: paved.dev/v1
      owner: payments
      services:
        api:
          image: ghcr.io/acme/api:1.0.0
          port: 8080
          ingress: { host: api.example.com }
          autoscaling: { min: 2, max: 4 }
    `);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const spec = result.units[0]!.spec;
    expect(spec.replicas).toBe(platform.$defs.replicas.default);
    expect(spec.cpu).toBe(platform.$defs.cpu.default);
    expect(spec.memory).toBe(platform.$defs.memory.default);
    expect(spec.ingress?.path).toBe(platform.$defs.ingress.properties.path.default);
    expect(unitState({ ...result.units[0]!, spec: { ...spec, autoscaling: { min: 2, max: 4 } } }).autoscaling?.cpu).toBe(
      platform.$defs.autoscaling.properties.cpu.default,
    );
  });
});

describe("the built-in org config", () => {
  it("is what config.schema.json's defaults make of an empty config", () => {
    expect(loadConfig("", "paved.yml").config).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.gitops.branch).toBe(configSchema.properties.gitops.properties.branch.default);
    expect(DEFAULT_CONFIG.argocd.namespace).toBe(configSchema.properties.argocd.properties.namespace.default);
    expect(DEFAULT_CONFIG.environments.map((e) => e.name)).toEqual(Object.keys(configSchema.properties.environments.default));
    expect(DEFAULT_CONFIG.secretStore.keyPrefix).toBe(configSchema.properties.secretStore.properties.keyPrefix.default);
  });

  it("keeps the JSON plan ids digest (key order included)", () => {
    expect(JSON.stringify(DEFAULT_CONFIG.environments[0])).toBe(
      '{"name":"staging","cluster":"https://kubernetes.default.svc","namespace":"{owner}-{env}","autoSync":true,"production":false,"mode":"direct","promote":{"kind":"merge"}}',
    );
    expect(Object.isFrozen(DEFAULT_CONFIG.environments[1])).toBe(true);
  });
});
