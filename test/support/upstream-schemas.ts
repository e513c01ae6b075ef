/**
 * Checks an object the way its API server would: against the upstream project's own schema
 * (Kubernetes' OpenAPI, the Argo CD and External Secrets CRDs, vendored in
 * test/fixtures/upstream-schemas/), refusing unknown fields. kubernetes-models' `validate()` does
 * not: its schemas leave objects open, so a misspelt field passes it and is then dropped (or, with
 * kubectl's strict field validation, refused) by the cluster. Here every object schema that lists
 * its properties is closed, except where upstream marks it free-form
 * (`x-kubernetes-preserve-unknown-fields`).
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

type Schema = Record<string, unknown>;
interface Crd {
  group: string;
  kind: string;
  versions: Array<{ name: string; served: boolean; schema?: unknown }>;
}

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/upstream-schemas/${name}`, import.meta.url), "utf8")) as T;
const kubernetes = fixture<{ roots: string[]; definitions: Record<string, Schema> }>("kubernetes.json");
const argoCd = fixture<{ crds: Crd[] }>("argo-cd.json");
const externalSecrets = fixture<{ crds: Crd[] }>("external-secrets.json");
const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/** An upstream (OpenAPI / CRD structural) schema as a closed JSON Schema Ajv can compile. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const source = schema as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith("x-kubernetes-") || key === "format" || key === "nullable") continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, property]) => [name, closed(property)]));
    } else if (key === "$ref") {
      out.$ref = `kubernetes#/definitions/${String(value).replace("#/definitions/", "")}`;
    } else {
      out[key] = typeof value === "object" ? closed(value) : value;
    }
  }
  if (source["x-kubernetes-int-or-string"] === true || source.format === "int-or-string") {
    delete out.type;
    if (!out.anyOf) out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (source.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  const freeForm = source["x-kubernetes-preserve-unknown-fields"] === true;
  if (out.properties && out.additionalProperties === undefined && !freeForm) out.additionalProperties = false;
  return out;
}

function kubernetesDefinitions(): Schema {
  const definitions: Schema = {};
  for (const [name, schema] of Object.entries(kubernetes.definitions)) {
    definitions[name] = closed(schema);
  }
  // A Quantity is written as a string or a number ("250m", 1); upstream types it as a string only.
  definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = { type: ["string", "number"] };
  return { $id: "kubernetes", definitions };
}

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
ajv.addSchema(kubernetesDefinitions());

const validators = new Map<string, ValidateFunction>();
const groups = new Set<string>();
for (const name of kubernetes.roots) {
  const gvks = kubernetes.definitions[name]!["x-kubernetes-group-version-kind"] as
    | Array<{ group: string; version: string; kind: string }>
    | undefined;
  for (const { group, version, kind } of gvks ?? []) {
    groups.add(group);
    validators.set(`${group ? `${group}/` : ""}${version}/${kind}`, ajv.getSchema(`kubernetes#/definitions/${name}`)!);
  }
}
const served = new Map<string, string[]>();
for (const crd of [...argoCd.crds, ...externalSecrets.crds]) {
  groups.add(crd.group);
  served.set(`${crd.group}/${crd.kind}`, crd.versions.filter((v) => v.served).map((v) => v.name));
  for (const version of crd.versions) {
    if (!version.served) continue;
    const schema = closed(version.schema) as Schema;
    // A custom resource's metadata is an ObjectMeta, which the CRD leaves to the API server.
    (schema.properties as Schema).metadata = { $ref: `kubernetes#/definitions/${OBJECT_META}` };
    validators.set(`${crd.group}/${version.name}/${crd.kind}`, ajv.compile(schema));
  }
}

/** The versions of a custom resource its CRD serves, e.g. ["v1"] for external-secrets.io ExternalSecret. */
export function servedVersions(group: string, kind: string): string[] {
  return served.get(`${group}/${kind}`) ?? [];
}

/** Whether the object's API group is one the vendored schemas cover (any version or kind of it). */
export function inUpstreamGroup(object: { apiVersion?: unknown }): boolean {
  const apiVersion = String(object.apiVersion);
  return groups.has(apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "");
}

/**
 * What the upstream schema refuses in `object`, one line per problem (`/spec/x: unknown field
 * bogus`); empty when it is valid. An apiVersion/kind the vendored schemas do not serve is a problem.
 */
export function upstreamProblems(object: { apiVersion?: unknown; kind?: unknown }): string[] {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const validate = validators.get(key);
  if (!validate) {
    const group = String(object.apiVersion).split("/")[0]!;
    const versions = servedVersions(group, String(object.kind));
    return [versions.length > 0 ? `${key} is not served; ${group} serves ${versions.join(", ")}` : `no upstream schema for ${key}`];
  }
  return validate(object) ? [] : (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || "/";
  if (error.keyword === "additionalProperties") return `${at}: unknown field ${String(error.params.additionalProperty)}`;
  return `${at}: ${error.message ?? error.keyword}`;
}
