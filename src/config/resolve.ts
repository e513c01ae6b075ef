/**
 * The schema-valid org config as the core's ResolvedConfig. Every `default` is the config schema's
 * (schemas/config.schema.json): Ajv fills them in as it validates (useDefaults), so a field written
 * `!` here is one the schema gives a default and is never missing; nothing restates a default.
 */
import type { PavedConfig } from "../generated/config.js";
import type { ResolvedConfig, ResolvedEnvironment, ResolvedPreviews } from "./types.js";

/** `raw`: validated by configValidator, which filled in the schema's defaults. */
export function resolveConfig(raw: PavedConfig): ResolvedConfig {
  const environments = Object.entries(raw.environments!).map(
    ([name, { approval, promote, ...env }]): ResolvedEnvironment => ({
      ...env,
      name,
      namespace: env.namespace!,
      autoSync: env.autoSync!,
      production: env.production ?? (name === "production" || name === "prod"),
      mode: env.mode!,
      promote: promote === "merge" ? { kind: "merge" } : promote === "manual" ? { kind: "manual" } : { kind: "after", environment: promote!.after },
      ...(approval ? { approval: { owners: approval.owners!, teams: approval.teams!, excludeLastPusher: approval.excludeLastPusher! } } : {}),
    }),
  );
  const dependencies: ResolvedConfig["dependencies"] = {};
  for (const [name, type] of Object.entries(raw.dependencies!)) {
    dependencies[name] = { ...type, classes: type.classes!, outputs: type.outputs!, params: type.params ?? null };
  }
  const gitops = raw.gitops!;
  const render = raw.render!;
  const secretStore = raw.secretStore!;
  return {
    gitops: {
      ...(gitops.repository !== undefined ? { repository: gitops.repository } : {}),
      branch: gitops.branch!,
      directory: gitops.directory!,
    },
    fleet: { mode: raw.fleet!.mode! },
    manifest: raw.manifest!,
    render: {
      mode: render.mode!,
      ...(render.chart ? { chart: render.chart } : {}),
      templates: render.templates as string | null,
    },
    argocd: { url: raw.argocd!.url as string | null, namespace: raw.argocd!.namespace! },
    environments,
    registries: raw.registries!,
    secretStore: {
      kind: secretStore.kind!,
      name: secretStore.name!,
      keyPrefix: secretStore.keyPrefix!,
    },
    dependencies,
    links: raw.links!,
    policies: raw.policies!.map((policy) => ({ ...policy, severity: policy.severity! })),
    builtins: raw.builtins!,
    ...(raw.previews ? { previews: resolvePreviews(raw.previews, environments) } : {}),
  };
}

function resolvePreviews(raw: NonNullable<PavedConfig["previews"]>, environments: ResolvedEnvironment[]): ResolvedPreviews {
  const ttl = raw.ttl!;
  return {
    from: raw.from,
    namespace: raw.namespace!,
    // An unknown `from` is reported by semanticChecks; the cluster is then only a placeholder.
    cluster: raw.cluster ?? environments.find((env) => env.name === raw.from)?.cluster ?? "",
    ttl,
    ttlMs: durationMs(ttl),
    maxPerRepository: raw.maxPerRepository!,
    maxPerOrg: raw.maxPerOrg!,
    label: raw.label!,
    keepLabel: raw.keepLabel!,
  };
}

/** `90m`, `12h`, `7d` (the schema's pattern) in milliseconds. */
export function durationMs(text: string): number {
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[text.slice(-1) as "m" | "h" | "d"];
  return Number(text.slice(0, -1)) * unit;
}
