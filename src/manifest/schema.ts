/**
 * Schema validation of a manifest into located diagnostics, with the validators Ajv compiled from
 * the JSON Schemas at build time (scripts/gen-validators.mjs). The schema files are the contract;
 * nothing here restates them.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { readPackageJson } from "../core/package-root.js";
import { manifestValidator, serviceValidator } from "../generated/validators.js";
import { parsePointer } from "../core/pointer.js";
import type { SourceMap } from "./parse.js";
import { clip } from "./suggest.js";
import { schemaDiagnostics, type SchemaErrorContext, type Site } from "./schema-errors.js";

/** The schema documents shipped in `schemas/` at the package root (see package-root.ts). */
export function schemaDocument(name: "platform" | "config"): Record<string, unknown> {
  return readPackageJson("schemas", `${name}.schema.json`) as Record<string, unknown>;
}

/** Ajv errors of a whole manifest (empty when valid). */
export function manifestSchemaErrors(value: unknown): ErrorObject[] {
  return manifestValidator(value) ? [] : [...(manifestValidator.errors ?? [])];
}

/** Ajv errors of one merged service (base ⊕ override) against `#/$defs/service`. */
export function serviceSchemaErrors(value: unknown): ErrorObject[] {
  return serviceValidator(value) ? [] : [...(serviceValidator.errors ?? [])];
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
