/**
 * Helm mode: rendered values are checked against the chart's `values.schema.json` when the caller
 * passes it, so a value the chart would refuse is reported on the pull request rather than as a
 * failed sync. Chart schemas are usually draft-07; 2019-09 and 2020-12 are picked by `$schema`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export type ValuesValidator = (values: unknown) => string[];

export type CompiledValuesSchema = { ok: true; validate: ValuesValidator } | { ok: false; message: string };

function ajvFor(schema: object): Ajv {
  const dialect = String((schema as { $schema?: unknown }).$schema ?? "");
  // Chart authors use keywords Ajv's strict mode rejects; the point here is the values, not the schema's style.
  const options = { allErrors: true, strict: false, allowUnionTypes: true } as const;
  const ajv = dialect.includes("2020-12") ? new Ajv2020(options) : dialect.includes("2019-09") ? new Ajv2019(options) : new Ajv(options);
  addFormats.default(ajv);
  return ajv;
}

export function compileValuesSchema(schema: object): CompiledValuesSchema {
  let validate: ValidateFunction;
  try {
    validate = ajvFor(schema).compile(schema);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, validate: (values) => (validate(values) ? [] : (validate.errors ?? []).map(describe)) };
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === "" ? "values" : `values${error.instancePath.replace(/\//g, ".")}`;
  const extra = error.keyword === "additionalProperties" ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : "";
  return `${at} ${error.message ?? "is invalid"}${extra}`;
}
