import type { SchemaName } from "../core/schema-location.js";
import { readPackageJson } from "../core/package-root.js";

/** The schema documents shipped in `schemas/` at the package root (see package-root.ts). */
export function schemaDocument(name: SchemaName): Record<string, unknown> {
  return readPackageJson("schemas", `${name}.schema.json`) as Record<string, unknown>;
}
