/**
 * Where Paved looks by default, said once: the org config in the organisation's `.github` repository
 * (as Probot's `context.config` looks), and the manifest at a repository's root (the config's default
 * `manifest`). The App, the Action and the CLI all take these names from here.
 */
import { posix } from "node:path";
import { DEFAULT_CONFIG } from "../config/defaults.js";

/** The repository that holds the org config: `<org>/.github`. */
export const ORG_CONFIG_REPO = ".github";
/** The org config, in that repository (and the CLI's and the Action's default `--config`). */
export const ORG_CONFIG_PATH = ".github/paved.yml";
/** The manifest, when the org config names none (or cannot be read): the config's own default. */
export const DEFAULT_MANIFEST_PATH = DEFAULT_CONFIG.manifest;

/**
 * A path the org config names (`render.templates`, `render.chart.valuesSchema`), relative to the config
 * file, as a path from the root of the files it lives in; null when it would leave them.
 */
export function configRelativePath(configPath: string, relative: string): string | null {
  const path = posix.normalize(posix.join(posix.dirname(configPath), relative));
  return path.startsWith("../") || path === ".." || posix.isAbsolute(path) ? null : path;
}
