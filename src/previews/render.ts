/**
 * One pull request's preview → its files under `<directory>/previews/<owner>/<id>-<number>/`:
 * the services of the manifest at the PR's head, as the `from` environment of the org config with
 * the manifest's `environments.<from>` and then `environments.preview` overrides, in the preview namespace, under the team's
 * preview AppProject; plus a Namespace Application (so Argo CD prunes the Namespace with the
 * preview) and the record. Pure. The PR must validate and pass every policy, in every
 * environment and in `preview` (policies match it like any environment).
 */
// js-yaml, not `yaml`: its dump is the byte format Paved's files already have in GitOps repositories (a new emitter would rewrite them).
import { dump } from "js-yaml";
import type { ResolvedConfig, ResolvedEnvironment } from "../config/types.js";
import { previewNamespace } from "../config/preview-namespaces.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { Source } from "../core/files.js";
import { imageVersion } from "../core/image-ref.js";
import { MANAGED_BY, MAX_LABEL, applicationName, defaultGitopsRepoURL } from "../core/names.js";
import { PREVIEW_ENVIRONMENT, PREVIEW_LABEL, previewEnvironmentName, previewProjectName } from "../core/preview-names.js";
import { sourceHeader } from "../core/provenance.js";
import type { Unit } from "../core/unit.js";
import { checkManifestAndPolicies } from "../policy/checked-manifest.js";
import { renderUnits, type RenderOptions } from "../render/index.js";
import { unitDir } from "../render/layout.js";
import { locateRender } from "../render/located.js";
import type { CompiledTemplateSet } from "../render/templates.js";
import { formatRecord, previewDir, recordPath, type PreviewRecord } from "./record.js";

export interface PreviewInput {
  manifestText: string;
  manifestFile: string;
  config: ResolvedConfig;
  /** `id` (GitHub's repository id) is required: a preview is keyed by it. */
  source: Source & { id: string; sha: string };
  number: number;
  templates: CompiledTemplateSet;
  options?: RenderOptions;
  now: Date;
  keep: boolean;
  pinned?: string;
}

/** One Application of the preview: what its deployment waits for and its commit's `Paved-Unit` trailer names. */
export interface PreviewUnit {
  service: string;
  /** The Environment as the unit renders it, `pr-<number>`. */
  environment: string;
  application: string;
  /** The unit's directory, under the preview's. */
  dir: string;
  version: string;
}

export type PreviewRender =
  | { ok: true; dir: string; files: Map<string, string>; record: PreviewRecord; units: PreviewUnit[] }
  | { ok: false; reason: string; diagnostics: Diagnostic[] };

export function renderPreview(input: PreviewInput): PreviewRender {
  const { config, number } = input;
  const previews = config.previews;
  const from = previews && config.environments.find((env) => env.name === previews.from);
  if (!previews || !from) return refused("this organisation has no previews configured");
  const pattern = previews.namespace.replace("{number}", String(number));
  // The manifest's overrides of `from` apply beneath its `preview` ones: a preview runs what `from` runs, plus the PR.
  const checked: ResolvedConfig = { ...config, environments: [...config.environments, { ...previewEnvironment(from, PREVIEW_ENVIRONMENT, pattern, previews.cluster), overridesFrom: from.name }] };
  const check = checkManifestAndPolicies(input.manifestText, input.manifestFile, checked);
  if (hasErrors(check.diagnostics)) return refused("the manifest does not validate or does not pass the org's policies", check.diagnostics);
  const units = check.units.filter((u) => u.environment === PREVIEW_ENVIRONMENT);
  if (units.length === 0) return refused("no service is enabled in `preview` (`environments.preview.services.<name>.enabled: false` switches one off)");
  const owner = units[0]!.owner;
  const namespace = previewNamespace(previews.namespace, owner, number);
  if (namespace.length > MAX_LABEL) {
    return refused(`the preview namespace \`${namespace}\` is ${namespace.length} characters; Kubernetes allows ${MAX_LABEL}. The platform team can shorten \`previews.namespace\``);
  }
  const dir = previewDir(config.gitops.directory, owner, input.source.id, number);
  const environment = previewEnvironmentName(number);
  const renamed: Unit[] = [];
  for (const unit of units) {
    const spec = { ...unit.spec };
    if (spec.ingress && spec.ingress.host !== "") {
      const host = previewHost(spec.ingress.host, number);
      if (host === null) return refused(`the preview host of ${unit.service} (\`pr-${number}-${spec.ingress.host}\`) has a label over ${MAX_LABEL} characters; shorten the host`);
      spec.ingress = { ...spec.ingress, host };
    }
    renamed.push({ ...unit, environment, namespace, project: previewProjectName(owner), preview: { repositoryId: input.source.id, number }, spec });
  }
  const renderConfig: ResolvedConfig = {
    ...config,
    gitops: { ...config.gitops, directory: dir },
    environments: [previewEnvironment(from, environment, namespace, previews.cluster)],
  };
  // Located like the pipeline's: a finding about the manifest at the line that caused it, not at 1:1.
  const rendered = locateRender(renderUnits(renamed, renderConfig, input.source, input.templates, input.options), { document: config.manifest, file: input.manifestFile, sourceMap: check.sourceMap });
  if (hasErrors(rendered.diagnostics)) return refused("the preview does not render", rendered.diagnostics);
  // Only the units' own files: the team project and the catalog belong to the environments.
  const files = new Map([...rendered.files].filter(([path]) => path.startsWith(`${dir}/${environment}/`)));
  const gitopsRepoURL = input.options?.gitopsRepoURL ?? defaultGitopsRepoURL(config.gitops.repository ?? "");
  const header = sourceHeader(input.source);
  files.set(`${dir}/namespace/namespace.yaml`, header + dump(namespaceObject(namespace, owner, number), { lineWidth: -1 }));
  files.set(`${dir}/application.yaml`, header + dump(namespaceApplication(config, previews.cluster, namespace, owner, number, `${dir}/namespace`, gitopsRepoURL), { lineWidth: -1 }));
  const exposed = renamed.find((u) => u.spec.ingress && u.spec.ingress.host !== "");
  const record: PreviewRecord = {
    repository: input.source.repository,
    repositoryId: input.source.id,
    number,
    owner,
    namespace,
    headSha: input.source.sha,
    pushedAt: input.now.toISOString(),
    keep: input.keep,
    ...(input.pinned ? { pinned: input.pinned } : {}),
    ...(exposed?.spec.ingress ? { url: `https://${exposed.spec.ingress.host}${exposed.spec.ingress.path}` } : {}),
    services: renamed.map((u) => u.service).sort(),
  };
  files.set(recordPath(dir), formatRecord(record));
  const previewUnits: PreviewUnit[] = [];
  for (const u of renamed) {
    const place = unitDir(dir, u);
    if (!("path" in place)) continue; // renderUnits refused it already
    previewUnits.push({ service: u.service, environment, application: applicationName(owner, u.service, environment), dir: place.path, version: imageVersion(u.spec.image) });
  }
  return { ok: true, dir, files, record, units: previewUnits };
}

/** The render with `keep` in its record, file included: the keep label as GitHub reports it when the record is written. */
export function withKeep(render: Extract<PreviewRender, { ok: true }>, keep: boolean): Extract<PreviewRender, { ok: true }> {
  if (render.record.keep === keep) return render;
  const record = { ...render.record, keep };
  return { ...render, record, files: new Map(render.files).set(recordPath(render.dir), formatRecord(record)) };
}

function refused(reason: string, diagnostics: Diagnostic[] = []): PreviewRender {
  return { ok: false, reason, diagnostics };
}

function previewEnvironment(from: ResolvedEnvironment, name: string, namespace: string, cluster: string): ResolvedEnvironment {
  const { approval: _approval, ...settings } = from;
  return { ...settings, name, namespace, cluster, autoSync: true, production: false, mode: "direct" };
}

/** `api.acme.io` → `pr-12-api.acme.io`: one more level would miss a `*.acme.io` certificate. */
export function previewHost(host: string, number: number): string | null {
  const [first, ...rest] = host.split(".");
  const label = `pr-${number}-${first}`;
  return label.length > MAX_LABEL ? null : [label, ...rest].join(".");
}

function labels(owner: string, number: number): Record<string, string> {
  return { "app.kubernetes.io/managed-by": MANAGED_BY, "paved.dev/owner": owner, [PREVIEW_LABEL]: String(number) };
}

function namespaceObject(namespace: string, owner: string, number: number): object {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: labels(owner, number) } };
}

/**
 * The Application that owns the preview's Namespace. Named after the namespace: Application names
 * of units always contain `.`, a namespace never does, so the two cannot collide. Its finalizer
 * makes Argo CD delete the Namespace (and so everything in it) when the file goes.
 */
function namespaceApplication(config: ResolvedConfig, cluster: string, namespace: string, owner: string, number: number, path: string, repoURL: string): object {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: namespace, namespace: config.argocd.namespace, labels: labels(owner, number), finalizers: ["resources-finalizer.argocd.argoproj.io"] },
    spec: {
      project: previewProjectName(owner),
      source: { repoURL, targetRevision: config.gitops.branch, path },
      destination: { server: cluster, namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}
