/**
 * Every validator the ecosystem itself runs on what Paved renders, for one parsed object:
 * kubernetes-models and @kubernetes-models/argo-cd (the published models), the upstream schemas
 * closed to unknown fields (upstream-schemas.ts: Kubernetes' OpenAPI, the Argo CD and External
 * Secrets CRDs), and Backstage's own catalog-model entity policies and kind validators. Claims come
 * from the org's dependency catalog, whose CRDs Paved cannot know: they get a shape check.
 */
import { Application, AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import {
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  makeValidator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  parseLocationRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  type Entity,
} from "@backstage/catalog-model";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { inUpstreamGroup, upstreamProblems } from "./upstream-schemas.js";

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "networking.k8s.io/v1/Ingress": Ingress,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "argoproj.io/v1alpha1/Application": Application,
  "argoproj.io/v1alpha1/AppProject": AppProject,
};

/** What the published kubernetes-models / argo-cd models say (they leave objects open). */
export function modelProblems(object: RenderedObject): string[] {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [String((error as Error).message)];
  }
}

/** The checks Backstage's catalog runs on every entity it ingests, before the kind's own validator. */
const catalogPolicies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const kindValidators = [componentEntityV1alpha1Validator, resourceEntityV1alpha1Validator];
/** The catalog's rules for the parts of an entity name and reference. */
const entityFields = makeValidator();

export async function backstageProblems(object: RenderedObject): Promise<string[]> {
  const problems: string[] = [];
  try {
    const entity = (await catalogPolicies.enforce(object as unknown as Entity)) ?? (object as unknown as Entity);
    const accepted = await Promise.all(kindValidators.map((validator) => validator.check(entity)));
    if (!accepted.includes(true)) problems.push(`no Backstage kind validator accepts ${object.apiVersion} ${object.kind}`);
  } catch (error) {
    problems.push(String((error as Error).message));
  }
  // References and the source location must parse the way the catalog's processors parse them.
  const spec = object.spec ?? {};
  for (const ref of [spec.owner, spec.system, ...((spec.dependencyOf as unknown[] | undefined) ?? [])]) {
    if (ref === undefined) continue;
    try {
      const { kind, namespace, name } = parseEntityRef(String(ref));
      if (!entityFields.isValidKind(kind) || !entityFields.isValidNamespace(namespace) || !entityFields.isValidEntityName(name)) {
        problems.push(`entity reference ${String(ref)}: kind, namespace or name is not valid in the catalog`);
      }
    } catch (error) {
      problems.push(`entity reference ${String(ref)}: ${(error as Error).message}`);
    }
  }
  const location = object.metadata.annotations?.["backstage.io/source-location"];
  if (location !== undefined) {
    try {
      const parsed = parseLocationRef(location);
      if (parsed.type === "url") new URL(parsed.target);
    } catch (error) {
      problems.push(`backstage.io/source-location ${location}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Everything the ecosystem's validators refuse in one rendered object; empty when it passes them all. */
export async function conformanceProblems(object: RenderedObject): Promise<string[]> {
  if (object.apiVersion === "backstage.io/v1alpha1") return backstageProblems(object);
  // A group the vendored schemas cover must be served in that version and kind; any other group is
  // taken for a claim of the org's dependency catalog.
  if (!inUpstreamGroup(object)) return claimProblems(object);
  return [...modelProblems(object), ...upstreamProblems(object)];
}

/** A Crossplane claim from the org's dependency catalog: a namespaced object writing a connection secret. */
function claimProblems(object: RenderedObject): string[] {
  const spec = object.spec as { writeConnectionSecretToRef?: { name?: unknown }; parameters?: unknown } | undefined;
  const problems: string[] = [];
  if (typeof object.metadata?.namespace !== "string") problems.push(`${object.kind} ${object.metadata?.name}: no namespace`);
  if (typeof spec?.writeConnectionSecretToRef?.name !== "string") problems.push(`${object.kind} ${object.metadata?.name}: no spec.writeConnectionSecretToRef.name`);
  if (spec?.parameters === null || typeof spec?.parameters !== "object") problems.push(`${object.kind} ${object.metadata?.name}: spec.parameters is not a mapping`);
  return problems;
}
