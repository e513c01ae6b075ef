/**
 * The org settings for the Action, read from the workspace — the checkout of the default branch
 * (with `pull_request_target`, the base) — where the app reads them from `<org>/.github` through the
 * API. The same loader (src/settings/load.ts), the same shape, handed to the same flows.
 */
import { relative, resolve } from "node:path";
import { localConfigRoot, localFiles } from "../settings/local-files.js";
import { settingsFromConfigText } from "../settings/load.js";
import type { OrgSettings } from "../settings/org-settings.js";
import { ActionError } from "./inputs.js";

export async function workspaceSettings(workspace: string, configPath: string, manifest: string): Promise<OrgSettings> {
  const absolute = resolve(workspace, configPath);
  // Diagnostics and annotations name the file as GitHub does: relative to the repository root.
  const file = relative(workspace, absolute) || configPath;
  const at = localConfigRoot(workspace, configPath);
  const source = localFiles(at.root, "the workspace");
  let text: string | null;
  try {
    text = await source.readText(at.configPath);
  } catch (error) {
    throw new ActionError(`cannot read the org config ${absolute}: ${(error as Error).message}`);
  }
  if (text === null) {
    throw new ActionError(
      `the org config \`${configPath}\` is not in the workspace (${absolute}): check out the default branch before this step (actions/checkout), or point the \`config\` input at it; an empty file keeps every default`,
    );
  }
  const settings = await settingsFromConfigText(source, text, { configPath: at.configPath, file, location: `${file} (workspace)` });
  return settings.ok && manifest ? { ...settings, config: { ...settings.config, manifest } } : settings;
}
