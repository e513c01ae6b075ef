/**
 * Derived names: injective by construction, and checked at validate time with the parts to
 * shorten, so a manifest that validates renders (the property at the end).
 */
import fc from "fast-check";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import type { ResolvedConfig } from "../src/config/types.js";
import { hasErrors } from "../src/core/diagnostic.js";
import { applicationName, claimName, connectionSecretName, releaseName } from "../src/core/names.js";
import { desiredState } from "../src/flows/pipeline.js";
import { defaultTemplates } from "../src/render/index.js";
import { at, check, config, errors } from "./manifest-fixtures.js";
import { SOURCE } from "./render-fixtures.js";

const TEMPLATES = defaultTemplates();
const SLUG = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

const CATALOG = config(`
gitops: { repository: acme/gitops }
environments:
  staging: { cluster: https://kubernetes.default.svc, autoSync: true }
  production-eu-west: { cluster: https://prod.k8s.acme.io, namespace: "{owner}" }
dependencies:
  postgres: { apiVersion: database.acme.io/v1alpha1, kind: PostgreSQLInstance, outputs: [url] }
`);
const HELM: ResolvedConfig = { ...CATALOG, render: { mode: "helm", chart: { repoURL: "https://charts.acme.io", name: "service", version: "1.0.0" }, templates: null } };

function manifest(owner: string, services: Record<string, string[]>): string {
  const lines = ["apiVersion: paved.dev/v1", `owner: "${owner}"`, "services:"];
  for (const [name, dependencies] of Object.entries(services)) {
    lines.push(`  ${name}:`, "    image: ghcr.io/acme/app@sha256:" + "a".repeat(64));
    if (dependencies.length > 0) lines.push("    dependencies:", ...dependencies.map((d) => `      ${d}: { type: postgres }`));
  }
  return lines.join("\n") + "\n";
}

describe("names cannot collide by construction", () => {
  it("the issue's Application pair and claim pair get different names", () => {
    expect(applicationName("payments", "api-gateway", "production")).not.toBe(applicationName("payments-api", "gateway", "production"));
    expect(claimName("pay-api", "db")).not.toBe(claimName("pay", "api-db"));
    expect(connectionSecretName("pay-api", "db")).not.toBe(connectionSecretName("pay", "api-db"));
  });

  it("for any parts the names allow, equal names mean equal parts", () => {
    const owner = fc.stringMatching(SLUG);
    const part = fc.stringMatching(DNS_1035);
    fc.assert(
      fc.property(fc.tuple(owner, part, part), fc.tuple(owner, part, part), (a, b) => {
        if (applicationName(...a) === applicationName(...b)) expect(a).toEqual(b);
        if (claimName(a[1], a[2]) === claimName(b[1], b[2])) expect([a[1], a[2]]).toEqual([b[1], b[2]]);
        if (connectionSecretName(a[1], a[2]) === connectionSecretName(b[1], b[2])) expect([a[1], a[2]]).toEqual([b[1], b[2]]);
      }),
      { numRuns: 2000 },
    );
    // The pairs a generator rarely finds: one string, split at a different `-`.
    expect(applicationName("a-b", "c", "e")).not.toBe(applicationName("a", "b-c", "e"));
  });

  it("the Helm release is the service (unique in its namespace, never over 53) and the instance label is the Application name", () => {
    expect(releaseName("a".repeat(40))).toHaveLength(40);
    const desired = desiredState(manifest("payments", { api: [] }), "platform.yaml", HELM, SOURCE, TEMPLATES);
    const app = yaml.load(desired.rendered.files.get("staging/payments-staging/api/application.yaml")!) as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { sources: Array<{ helm?: { releaseName: string } }> };
    };
    expect(app.metadata.name).toBe("payments.api.staging");
    expect(app.metadata.labels["app.kubernetes.io/instance"]).toBe("payments.api.staging");
    expect(app.spec.sources[0]!.helm!.releaseName).toBe("api");
  });
});

describe("validate checks every derived name, at the right line, with the budget", () => {
  it("a 39-character owner and a 40-character service: refused at the service key, naming both parts and their budget", () => {
    const owner = "o".repeat(39);
    const service = "s".repeat(40);
    const result = check(manifest(owner, { [service]: [] }), CATALOG);
    const [error, ...more] = errors(result);
    expect(more).toEqual([]);
    expect(at(error!)).toBe("name-too-long@4:3");
    // The tightest environment decides (production-eu-west is longer than staging).
    expect(error!.message).toBe(
      `the Argo CD Application name \`${owner}.${service}.production-eu-west\` (in \`production-eu-west\`) is 99 characters, at most 63 are allowed ` +
        `(Argo CD and the \`app.kubernetes.io/instance\` label use it as a label value): owner \`${owner}\` (39) and service \`${service}\` (40) ` +
        "may have at most 43 characters together; shorten them by 36",
    );
    // And nothing renders, so validate and render agree.
    expect(hasErrors(desiredState(manifest(owner, { [service]: [] }), "platform.yaml", CATALOG, SOURCE, TEMPLATES).check.diagnostics)).toBe(true);
  });

  it("the budget is exact: 43 characters of owner and service validate, 44 do not", () => {
    expect(errors(check(manifest("o".repeat(20), { ["s".repeat(23)]: [] }), CATALOG))).toEqual([]);
    expect(errors(check(manifest("o".repeat(20), { ["s".repeat(24)]: [] }), CATALOG)).map((d) => d.code)).toEqual(["name-too-long"]);
  });

  it("`<service>.<dependency>` over 63: refused at the dependency key, also for the Backstage Resource", () => {
    const service = "s".repeat(30);
    const result = check(manifest("pay", { [service]: ["d".repeat(40)] }), CATALOG);
    const [error, ...more] = errors(result);
    expect(more).toEqual([]);
    expect(at(error!)).toBe("name-too-long@7:7");
    expect(error!.message).toContain("Crossplane claim and Backstage Resource name");
    expect(error!.message).toContain("service `" + service + "` (30) and dependency `" + "d".repeat(40) + "` (40) may have at most 62 characters together; shorten them by 8");
  });

  it("a team named `default` would replace Argo CD's built-in AppProject: refused at the owner", () => {
    const result = check(manifest("default", { api: [] }), { ...CATALOG, environments: CATALOG.environments.map((e) => ({ ...e, namespace: "{owner}-{env}" })) });
    expect(errors(result).map(at)).toEqual(["reserved-name@2:8"]);
    expect(errors(result)[0]!.message).toContain("Argo CD's built-in project");
  });

  it("a team whose namespace would be Argo CD's or the cluster's is refused at the owner", () => {
    for (const owner of ["argocd", "kube-system", "default", "kube-anything"]) {
      const result = check(manifest(owner, { api: [] }), CATALOG);
      expect(errors(result).map(at), owner).toEqual(owner === "default" ? ["reserved-name@2:8", "reserved-namespace@2:8"] : ["reserved-namespace@2:8"]);
      expect(errors(result)[0]!.message).toContain(`\`${owner}\``);
    }
  });
});

describe("a manifest that validates renders without a name error (property)", () => {
  // Owners, services and dependencies of every allowed length, including the longest.
  const length = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(40), fc.integer({ min: 30, max: 40 }));
  const slug = (first: string) => length.chain((n) => fc.stringMatching(new RegExp(`^[${first}]([-a-z0-9]{${Math.max(0, n - 2)}}[a-z0-9])?$`)).filter((s) => s.length <= 40));
  const owner = slug("a-z0-9").filter((o) => !o.startsWith("kube-") && !["argocd", "default"].includes(o));
  const services = fc.dictionary(slug("a-z"), fc.array(slug("a-z"), { maxLength: 2 }), { minKeys: 1, maxKeys: 3 });

  it.each([
    ["manifests", CATALOG],
    ["helm", HELM],
  ] as const)("%s mode", (_, cfg) => {
    let rendered = 0;
    fc.assert(
      fc.property(owner, services, (o, s) => {
        const text = manifest(o, Object.fromEntries(Object.entries(s).map(([name, deps]) => [name, [...new Set(deps)]])));
        const desired = desiredState(text, "platform.yaml", cfg, SOURCE, TEMPLATES);
        if (hasErrors(desired.check.diagnostics)) {
          // Refused only for a name (the generator writes nothing else that can be wrong).
          expect(desired.check.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual(
            expect.arrayContaining([expect.stringMatching(/^(name-too-long|invalid-namespace)$/)]),
          );
          return;
        }
        expect(desired.rendered.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        rendered++;
        for (const [path, content] of desired.rendered.files) {
          for (const doc of yaml.loadAll(content) as Array<{ metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } }>) {
            const meta = doc?.metadata;
            if (!meta) continue;
            expect(meta.name!.length, path).toBeLessThanOrEqual(path.includes("catalog/") ? 63 : 253);
            if (path.endsWith("application.yaml") || path.includes("claim-")) expect(meta.name!.length, path).toBeLessThanOrEqual(63);
            for (const value of Object.values(meta.labels ?? {})) expect(value, path).toMatch(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/);
          }
        }
      }),
      { numRuns: 40 },
    );
    // Both sides of the property were exercised.
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(40);
  });
});
