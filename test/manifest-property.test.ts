import { describe, it, expect } from "vitest";
import fc from "fast-check";
import YAML from "yaml";
import { catalogConfig, check, errors } from "./manifest-fixtures.js";

const name = fc.stringMatching(/^[a-z]([-a-z0-9]{0,8}[a-z0-9])?$/);
const anyEnvName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/);
const envName = anyEnvName.filter((n) => !n.startsWith("SECRET_"));
const envValue = fc.oneof(
  fc.string({ maxLength: 20 }).filter((s) => !s.includes("${")),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom("${dependencies.db.url}", "literal $${not.a.placeholder}", "true", "1.0", "# not a comment", "null"),
);
const image = fc
  .tuple(name, fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/))
  .map(([repo, tag]) => `ghcr.io/acme/${repo}:${tag}`);
const cpu = fc.oneof(fc.integer({ min: 1, max: 4000 }).map((n) => `${n}m`), fc.constantFrom("0.5", "1", "2.25"));
const memory = fc.integer({ min: 1, max: 4096 }).map((n) => `${n}Mi`);

const service = fc
  .record(
    {
      description: fc.string({ maxLength: 40 }),
      image,
      port: fc.integer({ min: 1, max: 65535 }),
      replicas: fc.integer({ min: 0, max: 50 }),
      cpu,
      memory,
      env: fc.dictionary(envName, envValue, { maxKeys: 4 }),
      // Secret names apart from env names: one variable cannot be both (the duplicate-env rule).
      secrets: fc.dictionary(anyEnvName.map((n) => `SECRET_${n}`), fc.record({ key: fc.stringMatching(/^[a-z]{1,8}\/[a-z]{1,8}$/) }), { maxKeys: 2 }),
      health: fc.constant({ path: "/healthz" }),
      ingress: fc.record({ host: fc.constantFrom("api.example.com", "x.acme.io"), path: fc.constantFrom("/", "/api") }, { requiredKeys: ["host"] }),
      autoscaling: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([min, extra]) => ({ min, max: min + extra })),
      enabled: fc.boolean(),
    },
    { requiredKeys: ["image"] },
  )
  .map((s) => {
    // Rules the generator keeps by construction: ingress and health need a port; placeholders need `db`.
    const out: Record<string, unknown> = { ...s };
    if ((out.ingress || out.health) && out.port === undefined) out.port = 8080;
    if (Object.values(s.env ?? {}).includes("${dependencies.db.url}")) out.dependencies = { db: { type: "postgres", class: "small" } };
    return out;
  });

const override = fc.record(
  {
    replicas: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(null)),
    memory: fc.oneof(memory, fc.constant(null)),
    enabled: fc.boolean(),
    env: fc.dictionary(envName, fc.oneof(fc.string({ maxLength: 8 }).filter((s) => !s.includes("${")), fc.constant(null)), { maxKeys: 2 }),
    autoscaling: fc.constant(null),
  },
  { requiredKeys: [] },
);

const manifest = fc
  .tuple(name, fc.dictionary(name, service, { minKeys: 1, maxKeys: 4 }), fc.option(override), fc.option(override))
  .map(([owner, services, staging, production]) => {
    const first = Object.keys(services)[0]!;
    const environments: Record<string, unknown> = {};
    if (staging) environments.staging = { services: { [first]: staging } };
    if (production) environments.production = { services: { [first]: production } };
    // Secret keys live under the owner's prefix (the default secretStore.keyPrefix).
    for (const s of Object.values(services) as Array<{ secrets?: Record<string, { key: string }> }>) {
      for (const ref of Object.values(s.secrets ?? {})) ref.key = `${owner}/${ref.key}`;
    }
    return { apiVersion: "paved.dev/v1", owner, services, ...(Object.keys(environments).length ? { environments } : {}) };
  });

describe("re-serialising a valid manifest", () => {
  it("YAML.stringify of a valid manifest is still valid, with the same units", () => {
    fc.assert(
      fc.property(manifest, (value) => {
        const original = check(JSON.stringify(value, null, 2), catalogConfig);
        expect(errors(original)).toEqual([]);
        const again = check(YAML.stringify(original.manifest), catalogConfig);
        expect(errors(again)).toEqual([]);
        expect(again.units).toEqual(original.units);
      }),
      { numRuns: 150 },
    );
  });
});
