import { describe, it, expect } from "vitest";
import { at, catalogConfig, check, config, errors, exampleConfig, yaml } from "./manifest-fixtures.js";
import { loadConfig } from "../src/config/load.js";
import type { ResolvedConfig } from "../src/config/types.js";
import { evaluatePolicies, parseImage, policyView } from "../src/policy/index.js";

const DIGEST = "sha256:" + "a".repeat(64);
const noDigestRule: ResolvedConfig = { ...catalogConfig, builtins: { "production-digest": false } };

function manifest(image: string): string {
  return `apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ${image}\n`;
}

describe("built-in policies", () => {
  it("image-tag: `latest` is an error at the image value, reported once for both environments", () => {
    const result = check(manifest("ghcr.io/acme/api:latest"), noDigestRule);
    expect(errors(result).map(at)).toEqual(["image-tag@5:12"]);
    expect(errors(result)[0]!.message).toContain("pin a version like `ghcr.io/acme/api:1.0.0` or a digest");
  });

  it("image-tag can be switched off", () => {
    const result = check(manifest("ghcr.io/acme/api:latest"), { ...noDigestRule, builtins: { "image-tag": false, "production-digest": false } });
    expect(result.diagnostics).toEqual([]);
  });

  it("image-registry lists the allowed prefixes", () => {
    const cfg = { ...noDigestRule, registries: ["ghcr.io/acme/", "registry.acme.io/"] };
    const result = check(manifest("docker.io/library/nginx:1.27"), cfg);
    expect(errors(result).map(at)).toEqual(["image-registry@5:12"]);
    expect(errors(result)[0]!.message).toContain("`ghcr.io/acme/` or `registry.acme.io/`");
    expect(check(manifest("ghcr.io/acme/api:1"), cfg).diagnostics).toEqual([]);
    expect(check(manifest("docker.io/library/nginx:1.27"), { ...cfg, builtins: { "image-registry": false, "production-digest": false } }).diagnostics).toEqual([]);
  });

  it("image-registry matches by whole path segment, with or without the trailing slash", () => {
    for (const entry of ["ghcr.io/acme", "ghcr.io/acme/"]) {
      const cfg = { ...noDigestRule, registries: [entry] };
      expect(check(manifest("ghcr.io/acme/api:1"), cfg).diagnostics, entry).toEqual([]);
      expect(check(manifest(`ghcr.io/acme/team/api@${DIGEST}`), cfg).diagnostics, entry).toEqual([]);
      expect(errors(check(manifest("ghcr.io/acme-evil/api:1"), cfg)).map(at), entry).toEqual(["image-registry@5:12"]);
      expect(errors(check(manifest("ghcr.io/acmecorp:1"), cfg)).map(at), entry).toEqual(["image-registry@5:12"]);
    }
    // One repository: its tags and digests, nothing beside it.
    const one = { ...noDigestRule, registries: ["ghcr.io/acme/api"] };
    expect(check(manifest("ghcr.io/acme/api:1.2"), one).diagnostics).toEqual([]);
    expect(check(manifest(`ghcr.io/acme/api@${DIGEST}`), one).diagnostics).toEqual([]);
    expect(errors(check(manifest("ghcr.io/acme/api-evil:1"), one)).map(at)).toEqual(["image-registry@5:12"]);
    // A bare host: `registry.acme.io:5000` is another registry.
    const host = { ...noDigestRule, registries: ["registry.acme.io"] };
    expect(check(manifest("registry.acme.io/api:1"), host).diagnostics).toEqual([]);
    expect(errors(check(manifest("registry.acme.io:5000/api:1"), host)).map(at)).toEqual(["image-registry@5:12"]);
  });

  it("production-digest warns in production environments only", () => {
    const result = check(manifest("ghcr.io/acme/api:1.2.3"), catalogConfig);
    expect(result.diagnostics.map((d) => `${d.severity}:${at(d)}`)).toEqual(["warning:production-digest@5:12"]);
    expect(check(manifest(`ghcr.io/acme/api@${DIGEST}`), catalogConfig).diagnostics).toEqual([]);
    expect(check(manifest("ghcr.io/acme/api:1.2.3"), { ...catalogConfig, builtins: { "production-digest": false } }).diagnostics).toEqual([]);
  });

  it("production-digest points at the override when production pins its own image", () => {
    const text = manifest("ghcr.io/acme/api:1.2.3") + "environments:\n  production:\n    services:\n      api: { image: 'ghcr.io/acme/api:1.2.4' }\n";
    expect(check(text, catalogConfig).diagnostics.map(at)).toEqual(["production-digest@9:21"]);
  });

  it("parses image references", () => {
    expect(parseImage("localhost:5000/a/b:1.0")).toEqual({ name: "localhost:5000/a/b", tag: "1.0" });
    expect(parseImage("localhost:5000/a/b")).toEqual({ name: "localhost:5000/a/b" });
    expect(parseImage(`a/b:1@${DIGEST}`)).toEqual({ name: "a/b", tag: "1", digest: DIGEST });
  });
});

describe("declared policies", () => {
  // prod-min-replicas from the shared example config, without the registry rule.
  const cfg: ResolvedConfig = { ...exampleConfig, registries: [], builtins: { "production-digest": false } };
  const base = (replicas: string) => yaml`
    apiVersion: paved.dev/v1
    owner: payments
    services:
      api:
        image: ghcr.io/acme/api:1.0.0
        ${replicas}
  `;

  it("fails at the override line when production replicas come from an override", () => {
    const text = base("replicas: 3") + "environments:\n  production:\n    services:\n      api:\n        replicas: 1\n";
    const result = check(text, cfg);
    expect(errors(result).map(at)).toEqual(["prod-min-replicas@11:19"]);
    const d = errors(result)[0]!;
    expect(d.path).toBe("/environments/production/services/api/replicas");
    expect(d.message).toBe("Production services run at least 2 replicas: `replicas` is 1 in `production`; must be ≥ 2");
  });

  it("fails at the base line when the value comes from the base", () => {
    const result = check(base("replicas: 1"), cfg);
    expect(errors(result).map(at)).toEqual(["prod-min-replicas@6:15"]);
    expect(errors(result)[0]!.path).toBe("/services/api/replicas");
  });

  it("fails at the service key when the value is a default", () => {
    const result = check(base("port: 8080"), cfg);
    expect(errors(result).map(at)).toEqual(["prod-min-replicas@4:3"]);
    expect(errors(result)[0]!.path).toBe("/services/api");
    expect(errors(result)[0]!.message).toContain("`replicas` is 1 (the default) in `production`");
  });

  it("does not apply outside its match", () => {
    const text = base("replicas: 1") + "environments:\n  production:\n    services:\n      api: { replicas: 2 }\n";
    expect(errors(check(text, cfg))).toEqual([]);
  });

  it("matches on services and owners; severity comes from the policy", () => {
    const policyConfig = config(yaml`
      policies:
        - id: api-health
          description: APIs declare a health check
          severity: warning
          match: { services: [api], owners: [payments] }
          assert: { required: [health] }
        - id: team-b-only
          match: { owners: [team-b] }
          assert: { properties: { replicas: { maximum: 0 } } }
    `);
    const result = check(base("port: 8080") + "  worker:\n    image: ghcr.io/acme/w:1\n", { ...policyConfig, builtins: { "production-digest": false } });
    expect(result.diagnostics.map((d) => `${d.severity}:${at(d)}`)).toEqual(["warning:api-health@4:3"]);
    expect(result.diagnostics[0]!.message).toBe("APIs declare a health check: `health` is not set in `staging` and `production`; it is required");
  });

  it("judges owner, namespace and nested fields of the unit view", () => {
    const policyConfig = config(yaml`
      policies:
        - id: owners
          description: Only approved teams deploy
          assert: { properties: { owner: { enum: [platform] } } }
        - id: small-memory
          description: Keep pods small
          match: { environments: [staging] }
          assert: { properties: { autoscaling: { properties: { max: { maximum: 5 } } } } }
    `);
    const text = base("autoscaling: { min: 1, max: 9 }");
    const result = check(text, { ...policyConfig, builtins: { "production-digest": false } });
    expect(errors(result).map(at)).toEqual(["owners@2:8", "small-memory@6:33"]);
    expect(errors(result)[0]!.message).toBe(
      "Only approved teams deploy: `owner` is `payments` in `staging` and `production`; must be one of `platform`",
    );
    expect(errors(result)[1]!.message).toBe("Keep pods small: `autoscaling.max` is 9 in `staging`; must be ≤ 5");
  });

  it("the view is plain JSON with service, environment, owner, namespace and the spec", () => {
    const unit = check(base("replicas: 2"), cfg).units[0]!;
    const view = policyView(unit);
    expect(view).toMatchObject({ service: "api", environment: "staging", owner: "payments", namespace: "payments-staging", replicas: 2 });
    expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
  });

  it("evaluatePolicies is callable on its own", () => {
    const result = check(base("replicas: 1"), { ...cfg, policies: [] });
    expect(result.sourceMap).toBeDefined();
    const diagnostics = evaluatePolicies(result.units, cfg, "platform.yaml", result.sourceMap!);
    expect(diagnostics.map(at)).toEqual(["prod-min-replicas@6:15"]);
  });
});

describe("invalid policies are config errors", () => {
  it("an assert that does not compile is located in the config file", () => {
    const text = yaml`
      policies:
        - id: typo
          assert:
            properties: { replicas: { minimun: 2 } }
    `;
    const loaded = loadConfig(text, ".github/paved.yml");
    expect(loaded.config).toBeUndefined();
    expect(loaded.diagnostics.map(at)).toEqual(["invalid-policy@3:5"]);
    expect(loaded.diagnostics[0]!.file).toBe(".github/paved.yml");
    expect(loaded.diagnostics[0]!.message).toContain("did you mean `minimum`?");
  });

  it("duplicate ids and built-in ids are refused", () => {
    const text = yaml`
      policies:
        - { id: a, assert: {} }
        - { id: a, assert: {} }
        - { id: image-tag, assert: {} }
    `;
    expect(loadConfig(text, "paved.yml").diagnostics.map(at)).toEqual(["duplicate-policy@3:11", "duplicate-policy@4:11"]);
  });
});

describe("a policy naming a field no unit has warns at config load", () => {
  const configWith = (assert: string) => `policies:
  - id: prod-min-replicas
    match: { environments: [production] }
    assert: ${assert}
`;
  const warnings = (text: string) => loadConfig(text, ".github/paved.yml").diagnostics.map((d) => `${d.severity} ${d.line}:${d.column} ${d.code}: ${d.message}`);

  it("`replica` for `replicas`: located at the key, with did-you-mean; the config still loads", () => {
    const text = configWith("{ properties: { replica: { minimum: 2 } } }");
    expect(warnings(text)).toEqual([
      "warning 4:29 unknown-policy-field: policy `prod-min-replicas` checks `replica`, which no unit has, so it never fires there; did you mean `replicas`?",
    ]);
    expect(loadConfig(text, ".github/paved.yml").config).toBeDefined();
  });

  it("looks into nested fields, `required`, and combinators", () => {
    expect(warnings(configWith("{ properties: { autoscaling: { properties: { mn: { minimum: 2 } } } } }"))).toEqual([
      "warning 4:58 unknown-policy-field: policy `prod-min-replicas` checks `autoscaling.mn`, which no unit has, so it never fires there; did you mean `min`?",
    ]);
    expect(warnings(configWith("{ required: [helth] }"))[0]).toMatch(/checks `helth`.*did you mean `health`\?$/);
    expect(warnings(configWith("{ anyOf: [{ properties: { imgae: { pattern: '@sha256:' } } }] }"))[0]).toMatch(/checks `imgae`.*did you mean `image`\?$/);
  });

  it("stays quiet on real fields, the unit's own names, and open maps (env names are the team's)", () => {
    expect(warnings(configWith("{ properties: { replicas: { minimum: 2 }, environment: { const: production }, env: { properties: { ANY_NAME: { type: string } } } }, required: [health] }"))).toEqual([]);
  });
});
