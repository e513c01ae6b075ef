import { readPackageJson } from "./package-root.js";
import { PAVED_VERSION } from "./version.js";

export type SchemaName = "platform" | "config";

/** `owner/name` of Paved's GitHub repository, from package.json's `repository` (one place to change it). */
function repository(): string {
  const { repository } = readPackageJson("package.json") as { repository?: string | { url?: string } };
  const url = typeof repository === "string" ? repository : (repository?.url ?? "");
  const match = /github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?$/.exec(url);
  if (!match) throw new Error(`package.json's repository is not a GitHub repository: ${url}`);
  return match[1]!;
}

/**
 * Where an editor fetches a schema: the file at this version's tag on GitHub (`v0.1.0`), so a modeline
 * keeps naming the schema the manifest was written against. It resolves once the tag is public;
 * offline, `paved schema` prints the same file and the installed package holds it.
 */
export function schemaUrl(name: SchemaName): string {
  return `https://raw.githubusercontent.com/${repository()}/v${PAVED_VERSION}/schemas/${name}.schema.json`;
}

/** The schema's path inside an installed package, for a modeline that works offline. */
export function installedSchemaPath(name: SchemaName): string {
  return `./node_modules/paved/schemas/${name}.schema.json`;
}
