/**
 * Names previews add (core/names.ts has the rest). Every one is built from numbers and schema-checked
 * slugs only: a pull request's branch name or title never reaches a name or a path.
 */
import { NAME_SEPARATOR } from "./names.js";

/** The environment policies match (`match.environments: [preview]`) and the manifest overrides (`environments.preview`). */
export const PREVIEW_ENVIRONMENT = "preview";

/** The environment a preview renders as: in the Application name `<owner>.<service>.pr-<n>` and the labels. */
export function previewEnvironmentName(number: number): string {
  return `pr-${number}`;
}

/** The team's preview AppProject: `.` never occurs in an owner, so it cannot be another team's project. */
export function previewProjectName(owner: string): string {
  return [owner, "previews"].join(NAME_SEPARATOR);
}

/** The GitHub Deployment environment of a preview (one per pull request, transient). */
export function previewDeploymentEnvironment(number: number): string {
  return `preview/pr-${number}`;
}

/**
 * Labels on a preview's Applications (beside `paved.dev/owner` and `paved.dev/environment: pr-<n>`):
 * with them an Argo CD event names the preview's directory, `previews/<owner>/<repository id>-<n>/`.
 */
export const PREVIEW_LABEL = "paved.dev/preview";
export const PREVIEW_REPOSITORY_LABEL = "paved.dev/preview-repository";
