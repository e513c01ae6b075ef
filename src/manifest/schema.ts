/**
 * Schema validation of a manifest into located diagnostics, with the validators Ajv compiled from
 * the JSON Schemas at build time (scripts/gen-validators.mjs). The schema files are the contract;
 * nothing here restates them.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { manifestValidator, serviceValidator } from "../generated/validators.js";
import { parsePointer } from "../core/pointer.js";
import type { SourceMap } from "../document/parse.js";
import { schemaDiagnostics, type SchemaErrorContext } from "../document/schema-errors.js";
import { dotted, siteIn } from "../document/site.js";
import { MANIFEST_WORDING } from "./schema-wording.js";

/** Ajv errors of a whole manifest (empty when valid). */
export function manifestSchemaErrors(value: unknown): ErrorObject[] {
  return manifestValidator(value) ? [] : [...(manifestValidator.errors ?? [])];
}

/** Ajv errors of one merged service (base ⊕ override) against `#/$defs/service`. */
export function serviceSchemaErrors(value: unknown): ErrorObject[] {
  return serviceValidator(value) ? [] : [...(serviceValidator.errors ?? [])];
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
    wording: MANIFEST_WORDING,
  };
  return schemaDiagnostics(errors, context);
}
