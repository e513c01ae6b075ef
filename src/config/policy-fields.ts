/**
 * Fields a policy's `assert` names that no unit has. JSON Schema ignores a `properties` entry whose
 * field is absent, so `properties: { replica: { minimum: 2 } }` passes every unit: the policy silently
 * never fires. The fields a unit has come from platform.schema.json's service (plus the unit's own
 * `service`, `environment`, `owner`, `namespace`, as policyView builds it).
 */
import { schemaDocument } from "../document/schema-document.js";
import { suggest } from "../document/suggest.js";

export interface UnknownField {
  /** Pointer tokens inside `assert`, at the key that names the field. */
  at: string[];
  /** The field as a person would write it: `autoscaling.mn`. */
  field: string;
  suggestion?: string;
}

/** The fields an object of a schema has, when that set is closed; null when any name may appear. */
type Shape = Map<string, Shape | null> | null;

type Schema = Record<string, unknown>;

function shapeOf(node: unknown, defs: Record<string, Schema>, depth = 0): Shape {
  if (depth > 8 || typeof node !== "object" || node === null) return null;
  let schema = node as Schema;
  if (typeof schema.$ref === "string") schema = { ...defs[schema.$ref.replace("#/$defs/", "")], ...schema };
  if (schema.additionalProperties !== false || typeof schema.properties !== "object" || schema.properties === null) return null;
  return new Map(Object.entries(schema.properties as Schema).map(([name, child]) => [name, shapeOf(child, defs, depth + 1)]));
}

let unitShape: Map<string, Shape | null> | undefined;

function policyViewShape(): Map<string, Shape | null> {
  if (!unitShape) {
    const platform = schemaDocument("platform");
    const defs = platform.$defs as Record<string, Schema>;
    const service = shapeOf(defs.service, defs) ?? new Map<string, Shape | null>();
    unitShape = new Map([["service", null], ["environment", null], ["owner", null], ["namespace", null], ...service]);
  }
  return unitShape;
}

export function unknownAssertFields(assert: unknown): UnknownField[] {
  const found: UnknownField[] = [];
  const walk = (node: unknown, shape: Shape, at: string[], prefix: string[]): void => {
    if (typeof node !== "object" || node === null || Array.isArray(node) || shape === null) return;
    const schema = node as Schema;
    const report = (name: string, tokens: string[]) => {
      const hit = suggest(name, shape.keys());
      found.push({ at: tokens, field: [...prefix, name].join("."), ...(hit !== undefined ? { suggestion: hit } : {}) });
    };
    if (typeof schema.properties === "object" && schema.properties !== null) {
      for (const [name, child] of Object.entries(schema.properties as Schema)) {
        if (!shape.has(name)) report(name, [...at, "properties", name]);
        else walk(child, shape.get(name) ?? null, [...at, "properties", name], [...prefix, name]);
      }
    }
    if (Array.isArray(schema.required)) {
      schema.required.forEach((name, index) => {
        if (typeof name === "string" && !shape.has(name)) report(name, [...at, "required", String(index)]);
      });
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const branches = schema[key];
      if (Array.isArray(branches)) branches.forEach((branch, index) => walk(branch, shape, [...at, key, String(index)], prefix));
    }
    for (const key of ["not", "if", "then", "else"]) walk(schema[key], shape, [...at, key], prefix);
  };
  walk(assert, policyViewShape(), [], []);
  return found;
}
