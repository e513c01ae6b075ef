/**
 * The JSON Schemas, compiled once (lazily) with Ajv 2020, and schema validation of a manifest
 * into located diagnostics. The schema files are the contract; nothing here restates them.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Diagnostic } from "../core/diagnostic.js";
import { readPackageJson } from "../core/package-root.js";
import { parsePointer } from "../core/pointer.js";
import type { SourceMap } from "./parse.js";
import { clip } from "./suggest.js";
import { schemaDiagnostics, type SchemaErrorContext, type Site } from "./schema-errors.js";

/** The schema documents shipped in `schemas/` at the package root (see package-root.ts). */
export function schemaDocument(name: "platform" | "config"): Record<string, unknown> {
  return readPackageJson("schemas", `${name}.schema.json`) as Record<string, unknown>;
}

/**
 * An Ajv set up the way every Paved schema is checked: all errors, with data for messages. The
 * schemas are the package's own (their tests compile them in strict mode), so they are not
 * validated against the JSON Schema meta-schema on every start: that alone took ~100 ms per process.
 */
export function createAjv(options: { useDefaults?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    useDefaults: options.useDefaults ?? false,
    validateSchema: false,
  });
  addFormats.default(ajv);
  return ajv;
}

let platform: { manifest: ValidateFunction; service: ValidateFunction } | undefined;

function platformValidators(): { manifest: ValidateFunction; service: ValidateFunction } {
  if (!platform) {
    const ajv = createAjv();
    const schema = schemaDocument("platform");
    const manifest = ajv.compile(schema);
    const service = ajv.getSchema(`${String(schema.$id)}#/$defs/service`);
    if (!service) throw new Error("platform.schema.json has no $defs/service");
    platform = { manifest, service };
  }
  return platform;
}

/** Ajv errors of a whole manifest (empty when valid). */
export function manifestSchemaErrors(value: unknown): ErrorObject[] {
  const { manifest } = platformValidators();
  return manifest(value) ? [] : [...(manifest.errors ?? [])];
}

/** Ajv errors of one merged service (base ⊕ override) against `#/$defs/service`. */
export function serviceSchemaErrors(value: unknown): ErrorObject[] {
  const { service } = platformValidators();
  return service(value) ? [] : [...(service.errors ?? [])];
}

/** Where a pointer is in the file: at its key for mappings and names, else at its value. */
export function siteIn(sourceMap: SourceMap, path: string, at: "key" | "value"): Site {
  const position = (at === "key" ? sourceMap.key(path) : sourceMap.value(path)) ?? sourceMap.locate(path);
  return { path, line: position.line, column: position.column };
}

/** `autoscaling.max`, `env.LOG_LEVEL`, `command[0]`: a field as a person would name it. */
export function dotted(tokens: readonly string[]): string {
  let out = "";
  for (const raw of tokens) {
    const token = clip(raw);
    if (/^(0|[1-9][0-9]*)$/.test(token)) out += `[${token}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(token)) out += (out ? "." : "") + token;
    else out += `[${JSON.stringify(token)}]`;
  }
  return out;
}

/** Names a manifest location relative to its service, so messages read like the YAML. */
export function describeManifestPath(path: string): string {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return "the manifest";
  if (tokens[0] === "services" && tokens.length >= 2) {
    return tokens.length === 2 ? `service \`${tokens[1]}\`` : `\`${dotted(tokens.slice(2))}\``;
  }
  if (tokens[0] === "environments" && tokens.length >= 2) {
    if (tokens.length === 2) return `environment \`${tokens[1]}\``;
    if (tokens[2] === "services" && tokens.length >= 4) {
      return tokens.length === 4
        ? `the \`${tokens[1]}\` override of service \`${tokens[3]}\``
        : `\`${dotted(tokens.slice(4))}\``;
    }
  }
  return `\`${dotted(tokens)}\``;
}

/** Schema diagnostics for a parsed manifest, located with its source map. */
export function validateManifestSchema(value: unknown, file: string, sourceMap: SourceMap): Diagnostic[] {
  const errors = manifestSchemaErrors(value);
  if (errors.length === 0) return [];
  const context: SchemaErrorContext = {
    file,
    site: (path, at) => siteIn(sourceMap, path, at),
    describe: describeManifestPath,
  };
  return schemaDiagnostics(errors, context);
}
