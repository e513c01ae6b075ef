import type { ResolvedConfig } from "../config/types.js";
import { previewNamespace } from "../config/preview-namespaces.js";
import { namespaceFor } from "../manifest/resolve.js";
import { previewDir, previewsRoot } from "../previews/record.js";
import { unitDir } from "../render/layout.js";
import { MANAGED_BY } from "../core/names.js";
import { PREVIEW_LABEL, PREVIEW_REPOSITORY_LABEL, previewDeploymentEnvironment, previewEnvironmentName } from "../core/preview-names.js";

type Settings = Pick<ResolvedConfig, "environments" | "gitops" | "previews">;

/** Where an Application's Paved commits are: its unit directory, and the path whose history holds them. */
export interface ApplicationPlace {
  /** The unit directory, as its commits' `Paved-Unit` trailers name it. */
  dir: string;
  /**
   * The path whose commits are the unit's: the unit directory, or a preview's whole directory
   * (every preview commit rewrites its record, and each one names every Application of the preview).
   */
  history: string;
}

/**
 * The unit directory an Application's labels point at (view-model.ts puts them on every
 * Application Paved renders), or null for an Application Paved does not render. A hint: the
 * directory's Paved commits must then name this very Application in their trailers.
 */
export function unitDirFromLabels(labels: Record<string, string>, config: Settings): ApplicationPlace | null {
  const environment = labels["paved.dev/environment"];
  const owner = labels["paved.dev/owner"];
  const service = labels["app.kubernetes.io/name"];
  if (labels["app.kubernetes.io/managed-by"] !== MANAGED_BY || !environment || !owner || !service) return null;
  if (labels[PREVIEW_LABEL] !== undefined) return previewPlace(labels, config, { environment, owner, service });
  const env = config.environments.find((e) => e.name === environment);
  if (!env) return null;
  const dir = unitDir(config.gitops.directory, { environment, namespace: namespaceFor(env.namespace, owner, environment), service });
  return "path" in dir ? { dir: dir.path, history: dir.path } : null;
}

/** A preview's Application: `previews/<owner>/<repository id>-<n>/pr-<n>/<namespace>/<service>`, every part checked. */
function previewPlace(labels: Record<string, string>, config: Settings, unit: { environment: string; owner: string; service: string }): ApplicationPlace | null {
  const number = previewNumberOf(labels[PREVIEW_LABEL]!);
  const repositoryId = labels[PREVIEW_REPOSITORY_LABEL] ?? "";
  if (!config.previews || number === null || unit.environment !== previewEnvironmentName(number) || !/^[0-9]{1,20}$/.test(repositoryId)) return null;
  if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(unit.owner)) return null;
  const history = previewDir(config.gitops.directory, unit.owner, repositoryId, number);
  const dir = unitDir(history, { environment: unit.environment, namespace: previewNamespace(config.previews.namespace, unit.owner, number), service: unit.service });
  return "path" in dir ? { dir: dir.path, history } : null;
}

/**
 * The GitHub Deployment environment a `Paved-Unit` trailer's unit reports to, and whether Argo CD
 * syncs it by itself; null when it is neither an environment of the config nor a preview.
 */
export function deploymentTarget(unit: { environment: string; dir: string }, config: Settings): { environment: string; autoSync: boolean } | null {
  const env = config.environments.find((e) => e.name === unit.environment);
  if (env) return { environment: env.name, autoSync: env.autoSync };
  const number = /^pr-([1-9][0-9]{0,9})$/.exec(unit.environment);
  if (!config.previews || !number || !unit.dir.startsWith(`${previewsRoot(config.gitops.directory)}/`)) return null;
  return { environment: previewDeploymentEnvironment(Number(number[1])), autoSync: true };
}

function previewNumberOf(label: string): number | null {
  return /^[1-9][0-9]{0,9}$/.test(label) && Number.isSafeInteger(Number(label)) ? Number(label) : null;
}
