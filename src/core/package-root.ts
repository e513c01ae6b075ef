import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Paved's static files — `schemas/`, `templates/`, `examples/`, `package.json` — live at the package root,
 * two levels above the module in src/<folder>/ and dist/<folder>/. The Action's bundle
 * (action/dist/index.js) ships them next to itself instead: scripts/build-action.mjs copies them there.
 * The single-file CLI bundle replaces this module with one that holds them (scripts/build-cli.mjs):
 * everything else reads them only through the functions below.
 */
function findPackageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, "schemas", "platform.schema.json")) ? here : resolve(here, "../..");
}

const PACKAGE_ROOT = findPackageRoot();

/** A path inside the package root, for messages and for commands that hand a shipped file to the user. */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}

/** A text file shipped with the package (a template, an example). */
export function readPackageText(...segments: string[]): string {
  return readFileSync(packagePath(...segments), "utf8");
}

/** A JSON file shipped with the package (a schema, package.json). */
export function readPackageJson(...segments: string[]): unknown {
  return JSON.parse(readPackageText(...segments));
}

/** The names of the files directly in a shipped folder (`templates`), sorted. */
export function listPackageFolder(folder: string): string[] {
  return readdirSync(packagePath(folder), { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}
