/**
 * The org's declared policies as the config states them: each `assert` compiles once per config
 * (cached on its policies array, and by content for the app, which loads the config on every
 * event) into a validator, or into the reason it cannot be one, which loadConfig reports as
 * `invalid-policy`. Judging units with them is src/policy's.
 */
import type { Ajv, ValidateFunction } from "ajv";
import { PatternError } from "../core/linear-regexp.js";
import { createAjv } from "../document/ajv.js";
import { suggest } from "../document/suggest.js";
import type { Policy } from "../generated/config.js";
import { metaSchema2020Id, metaSchema2020Validator } from "../generated/validators.js";

/** The ids of the built-in policies (src/policy/builtins.ts), which a declared policy may not take. */
export const BUILTIN_POLICY_IDS = ["image-tag", "image-registry", "production-digest", "env-secret-literal"] as const;
export type BuiltinPolicyId = (typeof BUILTIN_POLICY_IDS)[number];

export interface CompiledPolicy {
  policy: Policy;
  validate?: ValidateFunction;
  /** Why the assertion is not a usable JSON Schema (reported by loadConfig as `invalid-policy`). */
  error?: string;
}

const compiledByPolicies = new WeakMap<readonly Policy[], CompiledPolicy[]>();
/**
 * The app loads the org config on every event, so the same policies arrive as new arrays each time:
 * compiling them again costs more than the rest of a plan. A few recent configs are kept by content.
 */
const compiledByContent = new Map<string, CompiledPolicy[]>();
const CONTENT_CACHE_SIZE = 16;

/** Compiles every policy of a config once; a fresh Ajv per config keeps `$id`s of old configs from clashing. */
export function compilePolicies(policies: readonly Policy[]): CompiledPolicy[] {
  const cached = compiledByPolicies.get(policies);
  if (cached) return cached;
  const key = JSON.stringify(policies);
  const same = compiledByContent.get(key);
  if (same) {
    compiledByContent.delete(key); // most recently used last
    compiledByContent.set(key, same);
    const compiled = same.map((entry, index) => ({ ...entry, policy: policies[index]! }));
    compiledByPolicies.set(policies, compiled);
    return compiled;
  }
  const ajv = withPrecompiledMetaSchema(createAjv("2020-12", {
    allErrors: true,
    verbose: true,
    // Unknown keywords are typos in a policy (`minimun`) and must fail loudly; the rest of strict
    // mode only polices style.
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    logger: false,
  }));
  const compiled = policies.map((policy): CompiledPolicy => {
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(policy.assert as object);
    } catch (error) {
      return { policy, error: compileErrorWords(error) };
    }
    // A `$ref` back to the schema itself (`$ref: "#"`, `not: { $ref: "#" }`) recurses on the same
    // value without end: a trial run on an empty unit finds it before any manifest does.
    const endless = endlessRecursion(validate, {});
    return endless ? { policy, error: endless } : { policy, validate };
  });
  compiledByPolicies.set(policies, compiled);
  compiledByContent.set(key, compiled);
  if (compiledByContent.size > CONTENT_CACHE_SIZE) compiledByContent.delete(compiledByContent.keys().next().value!);
  return compiled;
}

/**
 * Ajv checks each schema it compiles against the meta-schema its `$schema` names (2020-12 when none),
 * compiling that meta-schema first: ~30 ms of every process with a declared policy. For 2020-12 the
 * check runs the validator compiled at build time (scripts/gen-validators.mjs, same options) instead,
 * at the same step of compile() and in the same words; any other `$schema` is left to Ajv, as before.
 */
function withPrecompiledMetaSchema(ajv: Ajv): Ajv {
  const ajvCheck = ajv.validateSchema.bind(ajv);
  ajv.validateSchema = (schema, throwOrLogError) => {
    const named: unknown = typeof schema === "object" && schema !== null ? schema.$schema : metaSchema2020Id;
    if (typeof schema === "boolean" || (named !== undefined && named !== "" && named !== metaSchema2020Id)) return ajvCheck(schema, throwOrLogError);
    const valid = metaSchema2020Validator(schema);
    ajv.errors = metaSchema2020Validator.errors ?? null;
    if (!valid && throwOrLogError) throw new Error(`schema is invalid: ${ajv.errorsText()}`);
    return valid;
  };
  return ajv;
}

const KNOWN_KEYWORDS = [
  "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "minLength", "maxLength", "pattern", "format", "items", "prefixItems", "minItems", "maxItems", "uniqueItems",
  "contains", "properties", "patternProperties", "additionalProperties", "required", "propertyNames",
  "minProperties", "maxProperties", "dependentRequired", "dependentSchemas", "allOf", "anyOf", "oneOf", "not",
  "if", "then", "else", "$ref", "$defs", "title", "description", "default", "examples",
];

const ENDLESS =
  "checking the assertion overflows the stack: it refers back to itself (`$ref`, `$dynamicRef`) without moving into a field, or it is nested too deeply";

/** Why running the policy never ends (the call stack overflows), or undefined. */
function endlessRecursion(validate: ValidateFunction, value: unknown): string | undefined {
  try {
    validate(value);
    return undefined;
  } catch (error) {
    if (error instanceof RangeError) return ENDLESS;
    throw error;
  }
}

function compileErrorWords(error: unknown): string {
  if (error instanceof PatternError) return error.message;
  if (error instanceof RangeError) return ENDLESS;
  const text = error instanceof Error ? error.message : String(error);
  const unknown = /unknown keyword: "([^"]+)"/.exec(text);
  if (unknown) {
    const hit = suggest(unknown[1]!, KNOWN_KEYWORDS);
    return `unknown JSON Schema keyword \`${unknown[1]}\`${hit ? `; did you mean \`${hit}\`?` : ""}`;
  }
  return `the assertion is not a valid JSON Schema: ${text.replace(/^strict mode: /, "")}`;
}
