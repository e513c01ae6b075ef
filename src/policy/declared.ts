/**
 * The org's declared policies: each `assert` is a JSON Schema (2020-12) that every matching unit must
 * satisfy, judged on a plain JSON view `{ service, environment, owner, namespace, ...spec }`.
 * Schemas compile once per config (config/declared-policies.ts); failures are said in words.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { Unit } from "../core/unit.js";
import type { Policy } from "../generated/config.js";
import { dotted } from "../document/site.js";
import { parsePointer } from "../core/pointer.js";
import type { CompiledPolicy } from "../config/declared-policies.js";
import type { PolicyFinding } from "./builtins.js";

export function policyMatches(policy: Policy, unit: Unit): boolean {
  const match = policy.match;
  if (!match) return true;
  if (match.environments && !match.environments.includes(unit.environment)) return false;
  if (match.services && !match.services.includes(unit.service)) return false;
  if (match.owners && !match.owners.includes(unit.owner)) return false;
  return true;
}

/** The plain JSON a policy judges (a fresh copy, so no schema can observe or change the unit). */
export function policyView(unit: Unit): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      service: unit.service,
      environment: unit.environment,
      owner: unit.owner,
      namespace: unit.namespace,
      ...unit.spec,
    }),
  ) as Record<string, unknown>;
}

export function declaredFindings(unit: Unit, compiled: readonly CompiledPolicy[]): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  let view: Record<string, unknown> | undefined;
  for (const { policy, validate } of compiled) {
    if (!validate || !policyMatches(policy, unit)) continue;
    view ??= policyView(unit);
    let valid: boolean;
    try {
      valid = validate(view) as boolean;
    } catch (error) {
      // A recursion only some units reach (the trial run at compile time did not): fail closed.
      if (!(error instanceof RangeError)) throw error;
      findings.push(unjudged(policy));
      continue;
    }
    if (valid) continue;
    for (const error of withoutBranchNoise(validate.errors ?? [])) {
      findings.push(failure(policy, unit, error));
    }
  }
  return findings;
}

function unjudged(policy: Policy): PolicyFinding {
  const title = policy.description ?? `policy \`${policy.id}\``;
  return {
    code: policy.id,
    severity: "error",
    field: "",
    message: (environments) =>
      `${title}: could not be checked in ${environments}: the policy's assertion refers back to itself without end; the platform team must fix it in the org config`,
  };
}

/** Errors inside an `anyOf`/`oneOf`/`not` are said once, by the combinator itself. */
function withoutBranchNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf" || e.keyword === "not");
  return errors.filter((error) => !combinators.some((c) => c !== error && error.schemaPath.startsWith(c.schemaPath + "/")));
}

/** The unit field an error is about; view-only keys map to where they come from in the manifest. */
function fieldOf(instancePath: string): { field: string; manifestPath?: string } {
  const first = parsePointer(instancePath)[0];
  if (first === "owner" || first === "namespace") return { field: "", manifestPath: "/owner" };
  if (first === "service" || first === "environment") return { field: "" };
  return { field: instancePath };
}

function failure(policy: Policy, unit: Unit, error: ErrorObject): PolicyFinding {
  const params = error.params as Record<string, unknown>;
  let instancePath = error.instancePath;
  if (error.keyword === "required") instancePath += "/" + String(params.missingProperty).replace(/~/g, "~0").replace(/\//g, "~1");
  if (error.keyword === "additionalProperties") instancePath += "/" + String(params.additionalProperty).replace(/~/g, "~0").replace(/\//g, "~1");
  const tokens = parsePointer(instancePath);
  const subject = tokens.length === 0 ? `\`${unit.service}\`` : `\`${dotted(tokens)}\``;
  const defaulted = tokens.length > 0 && !fieldIsWritten(unit, instancePath) ? " (the default)" : "";
  const what = (where: string): string => {
    if (error.keyword === "required") return `${subject} is not set ${where}; it is required`;
    if (error.keyword === "additionalProperties" || error.keyword === "false schema") {
      return `${subject} is set ${where}; it is not allowed`;
    }
    return `${subject} is ${plain(error.data)}${defaulted} ${where}; ${requirement(error)}`;
  };
  const { field, manifestPath } = fieldOf(instancePath);
  const title = policy.description ?? `policy \`${policy.id}\``;
  return {
    code: policy.id,
    severity: policy.severity ?? "error",
    field,
    ...(manifestPath ? { manifestPath } : {}),
    message: (environments) => `${title}: ${what(`in ${environments}`)}`,
  };
}

function fieldIsWritten(unit: Unit, instancePath: string): boolean {
  const first = parsePointer(instancePath)[0];
  if (first === "service" || first === "environment" || first === "owner" || first === "namespace") return true;
  return unit.origins[instancePath] !== undefined;
}

function plain(value: unknown): string {
  if (value === undefined) return "not set";
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return `\`${value.length > 80 ? value.slice(0, 77) + "…" : value}\``;
  return Array.isArray(value) ? `a list of ${value.length}` : "a mapping";
}

function requirement(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const limit = String(params.limit);
  switch (error.keyword) {
    case "minimum":
      return `must be ≥ ${limit}`;
    case "maximum":
      return `must be ≤ ${limit}`;
    case "exclusiveMinimum":
      return `must be > ${limit}`;
    case "exclusiveMaximum":
      return `must be < ${limit}`;
    case "multipleOf":
      return `must be a multiple of ${String(params.multipleOf)}`;
    case "const":
      return `must be ${plain(params.allowedValue)}`;
    case "enum":
      return `must be one of ${(params.allowedValues as unknown[]).map(plain).join(", ")}`;
    case "pattern":
      return `must match \`${String(params.pattern)}\``;
    case "format":
      return `must be a valid ${String(params.format)}`;
    case "type":
      return `must be of type ${[params.type].flat().join(" or ")}`;
    case "minLength":
      return `must have at least ${limit} characters`;
    case "maxLength":
      return `must have at most ${limit} characters`;
    case "minItems":
      return `must have at least ${limit} items`;
    case "maxItems":
      return `must have at most ${limit} items`;
    case "uniqueItems":
      return "must not repeat items";
    case "minProperties":
      return `must have at least ${limit} entries`;
    case "maxProperties":
      return `must have at most ${limit} entries`;
    case "contains":
      return "must contain a matching item";
    case "not":
      return "matches a shape the policy forbids";
    case "anyOf":
    case "oneOf":
      return "matches none of the shapes the policy allows";
    case "dependentRequired":
      return `needs \`${String(params.missingProperty)}\` when \`${String(params.property)}\` is set`;
    default:
      return "does not meet the policy";
  }
}
