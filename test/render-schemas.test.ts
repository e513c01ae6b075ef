// Every rendered object of hand-built units (the edge cases) passes the ecosystem's own validators
// (test/support/conformance.ts); render-conformance.test.ts does the same for the examples.
import type { Application, AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import yaml from "js-yaml";
import type { Deployment } from "kubernetes-models/apps/v1";
import { describe, expect, it } from "vitest";
import type { ResolvedConfig } from "../src/config/types.js";
import type { Unit } from "../src/core/unit.js";
import { defaultTemplates } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import { exampleUnits, fullUnit, helmConfig, manifestsConfig, SOURCE } from "./render-fixtures.js";
import { conformanceProblems, type RenderedObject } from "./support/conformance.js";
import { servedVersions, upstreamProblems } from "./support/upstream-schemas.js";

type Obj = RenderedObject;

function objects(units: Unit[], config: ResolvedConfig): Array<{ path: string; object: Obj }> {
  const result = renderUnits(units, config, SOURCE, defaultTemplates());
  expect(result.diagnostics).toEqual([]);
  return [...result.files]
    .filter(([path]) => !path.endsWith("/values.yaml"))
    .flatMap(([path, text]) => yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }).map((object) => ({ path, object: object as Obj })));
}

async function expectConformant(path: string, object: Obj): Promise<void> {
  expect(await conformanceProblems(object), `${path}: ${object.apiVersion}/${object.kind}`).toEqual([]);
}

describe("rendered objects validate against their schemas", () => {
  const cases: Array<[string, Unit[], ResolvedConfig]> = [
    ["example, manifests mode", exampleUnits(), manifestsConfig],
    ["example, helm mode", exampleUnits(helmConfig), helmConfig],
    ["every field set", [fullUnit()], manifestsConfig],
    ["a worker with nothing optional", [fullUnit({ port: undefined, health: undefined, ingress: undefined, autoscaling: undefined, command: undefined, args: undefined, env: {}, secrets: {}, dependencies: {}, replicas: 1 })], manifestsConfig],
    ["zero replicas, no class or params", [fullUnit({ replicas: 0, autoscaling: undefined, dependencies: { db: { type: "postgres" } } })], manifestsConfig],
  ];
  for (const [name, units, config] of cases) {
    it(name, async () => {
      const rendered = objects(units, config);
      expect(rendered.length).toBeGreaterThan(0);
      for (const { path, object } of rendered) await expectConformant(path, object);
    });
  }

  it("(the validators do reject a broken object)", async () => {
    const broken = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api" }, spec: { replicas: "two", template: {} } };
    expect(await conformanceProblems(broken as unknown as Obj)).not.toEqual([]);
    const app = { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "a" }, spec: { project: "p" } };
    expect(await conformanceProblems(app as unknown as Obj)).not.toEqual([]);
    const secret = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "s" }, spec: { data: [{ secretKey: "K" }] } };
    expect(upstreamProblems(secret)).toEqual(["/spec/data/0: must have required property 'remoteRef'"]);
  });

  it("renders ExternalSecrets in the version the operator serves (v1beta1 is gone since ESO 0.17)", () => {
    expect(servedVersions("external-secrets.io", "ExternalSecret")).toEqual(["v1"]);
    const secret = objects([fullUnit()], manifestsConfig).find((r) => r.object.kind === "ExternalSecret")!.object;
    expect(secret.apiVersion).toBe("external-secrets.io/v1");
    expect(upstreamProblems({ ...secret, apiVersion: "external-secrets.io/v1beta1" })).toEqual([
      "external-secrets.io/v1beta1/ExternalSecret is not served; external-secrets.io serves v1",
    ]);
  });

  it("wires env vars to plain values, dependency connection secrets and the ExternalSecret's Secret", () => {
    const rendered = objects([fullUnit()], manifestsConfig);
    const deployment = rendered.find((r) => r.object.kind === "Deployment")!.object as unknown as Deployment;
    const env = deployment.spec!.template.spec!.containers[0]!.env;
    expect(env).toEqual([
      { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "api.db-conn", key: "url" } } },
      { name: "DEBUG", value: "false" },
      { name: "LOG_LEVEL", value: "info" },
      { name: "RETRIES", value: "3" },
      { name: "STRIPE_KEY", valueFrom: { secretKeyRef: { name: "api-secrets", key: "STRIPE_KEY" } } },
    ]);
    const claim = rendered.find((r) => r.object.kind === "PostgreSQLInstance")!.object;
    expect(claim.metadata.name).toBe("api.db");
    expect(claim.spec).toEqual({
      parameters: { class: "small", ha: true, storageGB: 20, version: "16" },
      writeConnectionSecretToRef: { name: "api.db-conn" },
    });
    const secret = rendered.find((r) => r.object.kind === "ExternalSecret")!.object;
    expect(secret.spec!.target).toEqual({ name: "api-secrets", creationPolicy: "Owner" });
  });

  it("leaves replicas to the HPA when autoscaling, and renders a PDB only for more than one pod", () => {
    const scaled = objects([fullUnit()], manifestsConfig);
    const deployment = scaled.find((r) => r.object.kind === "Deployment")!.object;
    expect(deployment.spec).not.toHaveProperty("replicas");
    expect(scaled.map((r) => r.object.kind)).toContain("PodDisruptionBudget");

    const single = objects([fullUnit({ autoscaling: undefined, replicas: 1 })], manifestsConfig);
    expect(single.find((r) => r.object.kind === "Deployment")!.object.spec!.replicas).toBe(1);
    expect(single.map((r) => r.object.kind)).not.toContain("PodDisruptionBudget");
    expect(single.map((r) => r.object.kind)).not.toContain("HorizontalPodAutoscaler");

    const floorOne = objects([fullUnit({ autoscaling: { min: 1, max: 3, cpu: 80 }, replicas: 3 })], manifestsConfig);
    expect(floorOne.map((r) => r.object.kind)).not.toContain("PodDisruptionBudget");
  });

  it("syncs automatically only where the environment says so", () => {
    const rendered = objects(exampleUnits(), manifestsConfig);
    const apps = rendered.filter((r) => r.object.kind === "Application").map((r) => r.object as unknown as Application);
    const policy = Object.fromEntries(apps.map((app) => [app.metadata!.name, app.spec!.syncPolicy]));
    const retry = { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } };
    expect(policy["payments.api.staging"]).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"], retry });
    expect(policy["payments.api.production"]).toEqual({ syncOptions: ["CreateNamespace=true"], retry });
  });

  it("gives the AppProject one destination per environment and the chart repo in helm mode", () => {
    const project = objects(exampleUnits(helmConfig), helmConfig).find((r) => r.object.kind === "AppProject")!.object as unknown as AppProject;
    expect(project.spec!.sourceRepos).toEqual(["https://charts.acme.io", "https://github.com/acme/gitops.git"]);
    expect(project.spec!.destinations).toEqual([
      { server: "https://kubernetes.default.svc", namespace: "payments-staging" },
      { server: "https://prod.k8s.acme.io", namespace: "payments" },
    ]);
  });
});
