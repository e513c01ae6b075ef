import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Paved's static files — `schemas/`, `templates/`, `package.json` — live at the package root, two levels
 * above the module in src/<folder>/ and dist/<folder>/. A single-file bundle (the Action's
 * action/dist/index.js) ships them next to itself instead: scripts/build-action.mjs copies them there.
 */
function findPackageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, "schemas", "platform.schema.json")) ? here : resolve(here, "../..");
}

export const PACKAGE_ROOT = findPackageRoot();

/** A path inside the package root: `packagePath("schemas", "platform.schema.json")`. */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}

/** A JSON file shipped with the package (a schema, package.json). */
export function readPackageJson(...segments: string[]): unknown {
  return JSON.parse(readFileSync(packagePath(...segments), "utf8"));
}
