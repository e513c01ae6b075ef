import { loadOrgSettings } from "../settings/load.js";
import type { OrgSettings } from "../settings/org-settings.js";
import { ORG_CONFIG_PATH, ORG_CONFIG_REPO } from "../settings/paths.js";
import type { GitHub } from "./client.js";
import { orgConfigLocation } from "./org-config.js";
import { githubFiles } from "./org-files.js";

export type { OrgSettings } from "../settings/org-settings.js";

/**
 * Everything the platform team decides, read from `<org>/.github` on its default branch; `ref` reads a
 * proposed or pushed config (a pull request's head, a fleet re-render).
 */
export function readOrgSettings(gh: GitHub, org: string, ref?: string): Promise<OrgSettings> {
  return loadOrgSettings(githubFiles(gh, { owner: org, repo: ORG_CONFIG_REPO }, ref), {
    configPath: ORG_CONFIG_PATH,
    file: ORG_CONFIG_PATH,
    location: orgConfigLocation(org, ref),
  });
}
