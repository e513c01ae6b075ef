/**
 * What a unit gets for a field its manifest leaves out: the `default`s platform.schema.json states
 * (the contract editors and `paved schema` show), read from it rather than restated here.
 */
import { schemaDocument } from "../document/schema-document.js";

type Schema = Record<string, unknown>;

function defaultAt(schema: Schema, ...path: string[]): unknown {
  let node: unknown = schema;
  for (const key of path) node = node !== null && typeof node === "object" ? (node as Schema)[key] : undefined;
  const value = node !== null && typeof node === "object" ? (node as Schema).default : undefined;
  if (value === undefined) throw new Error(`platform.schema.json states no default at ${path.join("/")}`);
  return value;
}

function serviceDefaults(schema: Schema) {
  return {
    replicas: defaultAt(schema, "$defs", "replicas") as number,
    cpu: defaultAt(schema, "$defs", "cpu") as string,
    memory: defaultAt(schema, "$defs", "memory") as string,
    /** The autoscaling CPU target (percent) when `autoscaling.cpu` is left out. */
    autoscalingCpu: defaultAt(schema, "$defs", "autoscaling", "properties", "cpu") as number,
    ingressPath: defaultAt(schema, "$defs", "ingress", "properties", "path") as string,
  } as const;
}

export const SERVICE_DEFAULTS = Object.freeze(serviceDefaults(schemaDocument("platform")));
