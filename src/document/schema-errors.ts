/**
 * Ajv's errors → one located Diagnostic per problem, in words. Ajv's raw messages never reach a
 * user: every keyword we use has its own sentence, and the noise of `anyOf [X, null]` (used by
 * override fields) is reduced to the X error. What a sentence says about one document's fields
 * (the manifest's `apiVersion`, a hint for `cpu: 0.5`) comes from the caller's SchemaWording.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { Diagnostic, Severity } from "../core/diagnostic.js";
import { parsePointer, pointer } from "../core/pointer.js";
import type { PatternWords } from "./pattern-words.js";
import type { Site } from "./site.js";
import { hasOwn } from "./own.js";
import { clip, didYouMean, listNames } from "./suggest.js";

export type { Site } from "./site.js";

/** The document-specific words a schema error may carry; each part is optional. */
export interface SchemaWording {
  /** Appended to "… is missing the required field `name`", by field name: "; add `owner:` with your team's slug". */
  missingAdvice?: Readonly<Record<string, string>>;
  /** A `pattern` said in words (and, for common slips, with a fix). */
  patternWords?(pattern: string): PatternWords | undefined;
  /**
   * A sentence of its own for one error (the manifest's `apiVersion` const): its code, message and
   * whether it points at the key or the value (default: the value, or the key of a mapping or list).
   * Undefined keeps the generic sentence.
   */
  special?(error: ErrorObject, subject: string): { code: string; message: string; at?: "key" | "value" } | undefined;
  /** Added to a type error's sentence for a value of the wrong kind: "; memory needs a unit: did you mean `512Mi`?". */
  typeHint?(field: string, data: unknown): string | undefined;
}

export interface SchemaErrorContext {
  file: string;
  /** Where an instance path is in the file: at its key (for mappings, names) or its value. */
  site(instancePath: string, at: "key" | "value"): Site;
  /** A short phrase for the thing at an instance path: "`autoscaling.max`", "service `api`". */
  describe(instancePath: string): string;
  wording?: SchemaWording;
  /** Put before every message, e.g. "in `production`, ". */
  prefix?: string;
  severity?: Severity;
}

export function schemaDiagnostics(errors: readonly ErrorObject[], context: SchemaErrorContext): Diagnostic[] {
  const { kept, nullable } = reduceNoise(errors);
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of kept) {
    const diagnostic = translate(error, context, nullable.has(error.instancePath));
    const key = `${diagnostic.code}\0${diagnostic.path}\0${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return diagnostics;
}

/**
 * Keeps one error per problem: drops the `null` branch and the wrapper of `anyOf [X, null]`,
 * the `propertyNames` wrapper (its inner error names the key), and anything else reported at a
 * path that already has a type error.
 */
function reduceNoise(errors: readonly ErrorObject[]): { kept: ErrorObject[]; nullable: Set<string> } {
  const nullable = new Set<string>();
  let kept = errors.filter((error) => {
    if (error.keyword === "type" && error.params.type === "null") {
      nullable.add(error.instancePath);
      return false;
    }
    return error.keyword !== "propertyNames" && error.keyword !== "if";
  });
  const typed = new Set(kept.filter((e) => e.keyword === "type" && !isKeyError(e)).map((e) => e.instancePath));
  kept = kept.filter((error) => {
    if (error.keyword === "anyOf" || error.keyword === "oneOf") {
      // Dropped when a branch said something more specific at or below this path.
      return !kept.some((other) => other !== error && other.keyword !== error.keyword && isAtOrBelow(other.instancePath, error.instancePath));
    }
    return error.keyword === "type" || isKeyError(error) || !typed.has(error.instancePath);
  });
  return { kept, nullable };
}

function isKeyError(error: ErrorObject): boolean {
  return typeof error.propertyName === "string";
}

function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(ancestor + "/");
}

function diagnostic(
  context: SchemaErrorContext,
  code: string,
  site: Site,
  message: string,
): Diagnostic {
  return {
    severity: context.severity ?? "error",
    code,
    message: (context.prefix ?? "") + message,
    file: context.file,
    line: site.line,
    column: site.column,
    path: site.path,
  };
}

function translate(error: ErrorObject, context: SchemaErrorContext, nullable: boolean): Diagnostic {
  if (isKeyError(error)) return translateKeyError(error, context);
  const path = error.instancePath;
  const subject = context.describe(path);
  const data: unknown = error.data;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const atValue = () => context.site(path, isContainer(data) ? "key" : "value");
  const params = error.params as Record<string, unknown>;
  const special = context.wording?.special?.(error, subject);
  if (special) return diagnostic(context, special.code, special.at ? context.site(path, special.at) : atValue(), special.message);
  switch (error.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const known = Object.keys((schema.properties as object | undefined) ?? {});
      const advice = didYouMean(name, known) || (known.length > 0 ? `; the fields here are ${listNames(known)}` : "");
      return diagnostic(context, "unknown-field", context.site(path + pointer(name), "key"), `unknown field \`${clip(name)}\`${advice}`);
    }
    case "required": {
      const name = String(params.missingProperty);
      const parent = context.site(path, "key");
      return diagnostic(
        context,
        "missing-field",
        { ...parent, path: parent.path + pointer(name) },
        `${subject} is missing the required field \`${name}\`${missingAdvice(context.wording, name)}`,
      );
    }
    case "const":
      return diagnostic(context, "invalid-value", atValue(), `${subject} must be \`${String(params.allowedValue)}\`, not ${show(data)}`);
    case "type":
      return diagnostic(context, "invalid-type", atValue(), typeMessage(subject, path, params.type, data, nullable, context.wording));
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const advice = typeof data === "string" ? didYouMean(data, allowed) : "";
      return diagnostic(context, "invalid-value", atValue(), `${subject} must be one of ${listNames(allowed, "or")}, not ${show(data)}${advice}`);
    }
    case "pattern":
    case "not": {
      const pattern = String(error.keyword === "pattern" ? params.pattern : (schema.not as { pattern?: string } | undefined)?.pattern ?? "");
      return diagnostic(context, "invalid-value", atValue(), patternMessage(subject, pattern, data, schema, context.wording));
    }
    case "format":
      return diagnostic(context, "invalid-value", atValue(), `${subject} must be ${formatWords(String(params.format))}, not ${show(data)}`);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return diagnostic(context, "invalid-value", atValue(), `${subject} ${rangeWords(schema)}; found ${show(data)}`);
    case "minLength":
      return diagnostic(context, "invalid-value", atValue(), `${subject} must not be empty`);
    case "maxLength":
      return diagnostic(
        context,
        "invalid-value",
        atValue(),
        `${subject} is too long: ${String(data).length} characters, at most ${String(params.limit)} allowed`,
      );
    case "minItems":
    case "maxItems": {
      const count = Array.isArray(data) ? data.length : 0;
      const bound = error.keyword === "minItems" ? "at least" : "at most";
      return diagnostic(context, "invalid-value", context.site(path, "key"), `${subject} has ${count} items; it may have ${bound} ${String(params.limit)}`);
    }
    case "minProperties":
    case "maxProperties":
      return diagnostic(context, "invalid-value", context.site(path, "key"), countMessage(subject, error.keyword, Number(params.limit), data));
    default:
      return diagnostic(
        context,
        "invalid-value",
        atValue(),
        `${subject} is not valid here` + (typeof schema.description === "string" ? `: ${schema.description}` : ""),
      );
  }
}

/** Errors about a key (`propertyNames`): an invalid name, or a name outside an allowed list. */
function translateKeyError(error: ErrorObject, context: SchemaErrorContext): Diagnostic {
  const key = String(error.propertyName);
  const name = clip(key);
  const site = context.site(error.instancePath + pointer(key), "key");
  const params = error.params as Record<string, unknown>;
  const container = context.describe(error.instancePath);
  if (error.keyword === "enum") {
    const allowed = (params.allowedValues as unknown[]).map(String);
    const advice = didYouMean(name, allowed) || `; the names allowed here are ${listNames(allowed)}`;
    return diagnostic(context, "unknown-field", site, `unknown name \`${name}\` in ${container}${advice}`);
  }
  if (error.keyword === "pattern") {
    const words = context.wording?.patternWords?.(String(params.pattern));
    const fixed = words?.suggestion?.(key);
    return diagnostic(
      context,
      "invalid-value",
      site,
      `\`${name}\` is not a valid name in ${container}: use ${words?.words ?? `a name matching ${String(params.pattern)}`}` +
        (fixed ? `; did you mean \`${clip(fixed)}\`?` : ""),
    );
  }
  return diagnostic(context, "invalid-value", site, `\`${name}\` is not a valid name in ${container}`);
}

function isContainer(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

/** A value as a user wrote it, short: `"abc"`, `3`, a list, a mapping, nothing. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `\`${clip(typeof value === "string" ? value : typeof value === "number" ? yamlNumberText(value) : JSON.stringify(value), 80)}\``;
}

/** A number as YAML writes it: JSON has no infinity or NaN (it would say `null`). */
function yamlNumberText(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  null: "null",
};

function typeOf(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number") return Number.isInteger(value) ? "a whole number" : "a number";
  if (typeof value === "boolean") return "true/false";
  return "a string";
}

function typeMessage(subject: string, path: string, expected: unknown, data: unknown, nullable: boolean, wording: SchemaWording | undefined): string {
  const types = (Array.isArray(expected) ? expected : [expected]).map(String);
  const allowsNull = nullable || types.includes("null");
  const kinds = types.filter((t) => t !== "null");
  const words = kinds.map((t) => (t === "boolean" && kinds.length > 1 ? "a boolean" : TYPE_WORDS[t] ?? t));
  const wanted = words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}` : words[0] ?? "null";
  if (path === "") return `the file must be a mapping of fields, not ${typeOf(data)}`;
  const orNull = allowsNull ? " (or null to remove it)" : "";
  if (data === null || data === undefined) return `${subject} has no value; it must be ${wanted}${orNull}`;
  let message = `${subject} must be ${wanted}${orNull}, not ${typeOf(data)}`;
  if (!isContainer(data)) message += ` (${show(data)})`;
  const hint = wording?.typeHint?.(parsePointer(path).pop() ?? "", data);
  return hint ? message + hint : message;
}

function patternMessage(subject: string, pattern: string, data: unknown, schema: Record<string, unknown>, wording: SchemaWording | undefined): string {
  const words = wording?.patternWords?.(pattern);
  const value = typeof data === "string" ? data : String(data);
  const hint = words?.hint?.(value);
  if (hint) return `${subject} ${show(data)} is not valid: ${hint}`;
  const fixed = words?.suggestion?.(value);
  const rule = words?.words ?? (typeof schema.description === "string" ? schema.description : `a value matching ${pattern}`);
  return `${subject} ${show(data)} is not valid: use ${rule}` + (fixed ? `; did you mean \`${fixed}\`?` : "");
}

function rangeWords(schema: Record<string, unknown>): string {
  const min = typeof schema.minimum === "number" ? schema.minimum : undefined;
  const max = typeof schema.maximum === "number" ? schema.maximum : undefined;
  const exclusiveMin = typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum : undefined;
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`at least ${min}`);
  if (exclusiveMin !== undefined) parts.push(`more than ${exclusiveMin}`);
  if (max !== undefined) parts.push(`at most ${max}`);
  if (exclusiveMax !== undefined) parts.push(`less than ${exclusiveMax}`);
  return `must be ${parts.join(" and ")}`;
}

function countMessage(subject: string, keyword: string, limit: number, data: unknown): string {
  const count = isContainer(data) ? Object.keys(data as object).length : 0;
  const bound = keyword === "minProperties" ? "at least" : "at most";
  return `${subject} has ${count} entries; it must have ${bound} ${limit}`;
}

function formatWords(format: string): string {
  if (format === "uri") return "an absolute URL like `https://example.com`";
  return `a valid ${format}`;
}

function missingAdvice(wording: SchemaWording | undefined, name: string): string {
  const advice = wording?.missingAdvice;
  return advice && hasOwn(advice, name) ? advice[name]! : "";
}
