/**
 * Helm mode: rendered values are checked against the chart's `values.schema.json` when the caller
 * passes it, so a value the chart would refuse is reported on the pull request rather than as a
 * failed sync. Chart schemas are usually draft-07; 2019-09 and 2020-12 are picked by `$schema`.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { createAjv, dialectOf } from "../document/ajv.js";

export type ValuesValidator = (values: unknown) => string[];

export type CompiledValuesSchema = { ok: true; validate: ValuesValidator } | { ok: false; message: string };

function ajvFor(schema: object) {
  // Chart authors use keywords Ajv's strict mode rejects; the point here is the values, not the schema's style.
  return createAjv(dialectOf(schema), { allErrors: true, strict: false, allowUnionTypes: true });
}

export function compileValuesSchema(schema: object): CompiledValuesSchema {
  let validate: ValidateFunction;
  try {
    validate = ajvFor(schema).compile(schema);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const judge: ValuesValidator = (values) => {
    try {
      return validate(values) ? [] : (validate.errors ?? []).map(describe);
    } catch (error) {
      // A `$ref` back to itself that never moves into a field overflows the stack.
      if (error instanceof RangeError) return ["values could not be checked: the chart's values schema refers back to itself without end"];
      throw error;
    }
  };
  return { ok: true, validate: judge };
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === "" ? "values" : `values${error.instancePath.replace(/\//g, ".")}`;
  const extra = error.keyword === "additionalProperties" ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : "";
  return `${at} ${error.message ?? "is invalid"}${extra}`;
}
