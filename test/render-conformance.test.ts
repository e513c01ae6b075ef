// The rendered trees of every example and of a manifest that uses every field, in both modes, pass
// the validators the ecosystem itself runs (test/support/conformance.ts): the published models,
// the upstream schemas closed to unknown fields, and Backstage's catalog policies. Each validator
// is also shown to refuse a broken object, so none of these can pass vacuously.
import { describe, expect, it } from "vitest";
import { backstageProblems, conformanceProblems, modelProblems, type RenderedObject } from "./support/conformance.js";
import { renderTree, TREE_CASES } from "./support/rendered-trees.js";
import { upstreamProblems } from "./support/upstream-schemas.js";

const rendered = new Map(TREE_CASES.map((c) => [c.name, renderTree(c).objects]));

describe("rendered trees pass the ecosystem's own validators", () => {
  it.each(TREE_CASES.map((c) => c.name))("%s", async (name) => {
    const objects = rendered.get(name)!;
    expect(objects.length).toBeGreaterThan(0);
    for (const { path, object } of objects) expect(await conformanceProblems(object), `${path}: ${object.kind}`).toEqual([]);
  });

  it("covers every kind Paved renders, in both modes", () => {
    const kinds = (name: string) => new Set(rendered.get(name)!.map((r) => `${r.object.apiVersion}/${r.object.kind}`));
    expect([...kinds("every field, manifests mode")].sort()).toEqual([
      "apps/v1/Deployment",
      "argoproj.io/v1alpha1/AppProject",
      "argoproj.io/v1alpha1/Application",
      "autoscaling/v2/HorizontalPodAutoscaler",
      "backstage.io/v1alpha1/Component",
      "backstage.io/v1alpha1/Resource",
      "cache.acme.io/v1alpha1/RedisInstance",
      "database.acme.io/v1alpha1/PostgreSQLInstance",
      "external-secrets.io/v1/ExternalSecret",
      "networking.k8s.io/v1/Ingress",
      "policy/v1/PodDisruptionBudget",
      "v1/ConfigMap",
      "v1/Service",
    ]);
    expect([...kinds("every field, helm mode")].sort()).toEqual([
      "argoproj.io/v1alpha1/AppProject",
      "argoproj.io/v1alpha1/Application",
      "backstage.io/v1alpha1/Component",
      "backstage.io/v1alpha1/Resource",
      "v1/ConfigMap",
    ]);
  });
});

describe("each validator refuses what it should (negative controls)", () => {
  const everyField = rendered.get("every field, manifests mode")!;
  const find = (kind: string) => structuredClone(everyField.find((r) => r.object.kind === kind)!.object) as RenderedObject & Record<string, any>;

  it("kubernetes-models' validate() accepts an unknown container field; the strict upstream check refuses it", () => {
    const deployment = find("Deployment");
    deployment.spec!.template.spec.containers[0].bogusField = "x";
    expect(modelProblems(deployment)).toEqual([]);
    expect(upstreamProblems(deployment)).toEqual(["/spec/template/spec/containers/0: unknown field bogusField"]);
  });

  it("the strict check also refuses misspelt metadata, and wrong types that the models catch too", () => {
    const service = find("Service");
    (service.metadata as Record<string, unknown>).label = { a: "b" };
    expect(upstreamProblems(service)).toEqual(["/metadata: unknown field label"]);
    const hpa = find("HorizontalPodAutoscaler");
    hpa.spec!.maxReplicas = "ten";
    expect(modelProblems(hpa)).not.toEqual([]);
    expect(upstreamProblems(hpa)).toEqual(["/spec/maxReplicas: must be integer"]);
  });

  it("@kubernetes-models/argo-cd accepts an unknown sync-policy field; the Argo CD CRD refuses it", () => {
    const application = find("Application");
    application.spec!.syncPolicy.automatic = { prune: true };
    expect(modelProblems(application)).toEqual([]);
    expect(upstreamProblems(application)).toEqual(["/spec/syncPolicy: unknown field automatic"]);
    const project = find("AppProject");
    project.spec!.destinations[0].namespaces = ["x"];
    expect(upstreamProblems(project)).toEqual(["/spec/destinations/0: unknown field namespaces"]);
  });

  it("the External Secrets CRD refuses an unknown field and a missing remote key", () => {
    const secret = find("ExternalSecret");
    secret.spec!.data[0].remoteRef = { keyy: "payments/stripe" };
    expect(upstreamProblems(secret)).toEqual(["/spec/data/0/remoteRef: must have required property 'key'", "/spec/data/0/remoteRef: unknown field keyy"]);
  });

  it("Backstage's catalog refuses a name over 63 characters, a foreign root field, a bad annotation and a bad reference", async () => {
    const component = find("Component");
    expect(await backstageProblems(component)).toEqual([]);
    expect((await backstageProblems({ ...component, metadata: { ...component.metadata, name: "a".repeat(64) } })).join("\n")).toMatch(/metadata\.name/);
    expect((await backstageProblems({ ...component, status: {} } as RenderedObject)).join("\n")).toMatch(/status/);
    const badAnnotation = { ...component, metadata: { ...component.metadata, annotations: { "bad key!": "x" } } };
    expect((await backstageProblems(badAnnotation)).join("\n")).toMatch(/annotations/);
    expect((await backstageProblems({ ...component, spec: { ...component.spec, owner: "group:default/pay ments" } })).join("\n")).toMatch(/entity reference/);
    const resource = find("Resource");
    expect(await backstageProblems(resource)).toEqual([]);
    expect((await backstageProblems({ ...resource, spec: { ...resource.spec, type: 7 } })).join("\n")).toMatch(/type/);
  });

  it("an object of a covered API group in a version or kind upstream does not serve is refused", async () => {
    const hpa = find("HorizontalPodAutoscaler");
    expect(await conformanceProblems({ ...hpa, apiVersion: "autoscaling/v2beta2" })).toEqual(["no upstream schema for autoscaling/v2beta2/HorizontalPodAutoscaler"]);
    const secret = find("ExternalSecret");
    expect(await conformanceProblems({ ...secret, apiVersion: "external-secrets.io/v1beta1" })).toEqual([
      "external-secrets.io/v1beta1/ExternalSecret is not served; external-secrets.io serves v1",
    ]);
  });

  it("a claim without its connection secret is refused by the shape check", async () => {
    const claim = find("PostgreSQLInstance");
    delete claim.spec!.writeConnectionSecretToRef;
    expect(await conformanceProblems(claim)).toEqual(["PostgreSQLInstance api.db: no spec.writeConnectionSecretToRef.name"]);
  });
});
