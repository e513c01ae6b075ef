import { ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "../settings/paths.js";
import type { GitHub } from "./client.js";
import { readFileAt } from "./read-file.js";

/** Where the org config lives: the organisation's `.github` repository (src/settings/paths.ts). */
export { ORG_CONFIG_PATH, ORG_CONFIG_REPO };

/** Where the org config was read, for messages: `acme/.github@abc1234:.github/paved.yml`. */
export function orgConfigLocation(org: string, ref?: string): string {
  return `${org}/${ORG_CONFIG_REPO}${ref ? `@${ref.slice(0, 7)}` : ""}:${ORG_CONFIG_PATH}`;
}

export interface OrgConfigSource {
  /** The YAML text, or null when the org has no config. */
  text: string | null;
  /** Where it was read, for messages: `acme/.github:.github/paved.yml`. */
  location: string;
}

/**
 * The org config from the default branch of `<org>/.github`, never from the repository under review or a
 * pull request branch: a developer cannot weaken the rules in the same change that the rules judge.
 * The raw text is read (not `context.config`'s parsed object) so errors in it can be located. `ref` is
 * only for checking a proposed config (a pull request in `.github` itself, src/flows/config-pull-request.ts).
 */
export async function readOrgConfig(gh: GitHub, org: string, ref?: string): Promise<OrgConfigSource> {
  const text = await readFileAt(gh, { owner: org, repo: ORG_CONFIG_REPO }, ORG_CONFIG_PATH, ref);
  return { text, location: orgConfigLocation(org, ref) };
}
