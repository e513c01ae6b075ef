/**
 * Units: each service in each configured environment, as base ⊕ environment override (RFC 7386)
 * ⊕ defaults, with the manifest pointer every field came from (so a failing unit points at the
 * line the user wrote). Expects a schema-valid manifest.
 */
import type { ResolvedConfig, ResolvedEnvironment } from "../config/types.js";
import { pointer } from "../core/pointer.js";
import type { ResolvedService, Unit } from "../core/unit.js";
import type { PlatformManifest } from "../generated/platform.js";
import { SERVICE_DEFAULTS } from "./service-defaults.js";
import { applyMergePatch } from "../document/merge-patch.js";
import { getOwn, isJsonObject, setOwn, type JsonObject } from "../document/own.js";


/** One unit plus what the checks need to judge and locate it. */
export interface UnitDraft {
  unit: Unit;
  /** base ⊕ override before defaults: what `#/$defs/service` re-validates. */
  merged: JsonObject;
  /** `/environments/<env>/services/<service>` when this environment overrides the service. */
  overridePath?: string;
  /** Fields the override removed with `null`: unit field pointer → the manifest pointer of the `null`. */
  removed: Record<string, string>;
}

export function servicePath(service: string): string {
  return pointer("services", service);
}

export function overridePath(environment: string, service: string): string {
  return pointer("environments", environment, "services", service);
}

/** Units in manifest service order, each service's environments in config (promotion) order. */
export function resolveUnits(manifest: PlatformManifest, config: ResolvedConfig): Unit[] {
  return resolveDrafts(manifest, config).map((draft) => draft.unit);
}

export function resolveDrafts(manifest: PlatformManifest, config: ResolvedConfig): UnitDraft[] {
  const drafts: UnitDraft[] = [];
  for (const name of Object.keys(manifest.services)) {
    for (const environment of config.environments) {
      const draft = resolveDraft(manifest, environment, name);
      if (draft) drafts.push(draft);
    }
  }
  return drafts;
}

/** Stands for "the base's origin" while merging two overrides: no JSON Pointer starts with a NUL. */
const INHERITED = "\u0000";

function overrideOf(manifest: PlatformManifest, environment: string, service: string): JsonObject | undefined {
  const environments = manifest.environments as JsonObject | undefined;
  const env = environments && getOwn(environments, environment);
  const services = isJsonObject(env) ? getOwn(env, "services") : undefined;
  const override = isJsonObject(services) ? getOwn(services, service) : undefined;
  return isJsonObject(override) ? override : undefined;
}

function resolveDraft(manifest: PlatformManifest, environment: ResolvedEnvironment, name: string): UnitDraft | undefined {
  const service = getOwn(manifest.services as unknown as JsonObject, name) as JsonObject;
  const origins: Record<string, string> = Object.create(null) as Record<string, string>;
  const removed: Record<string, string> = Object.create(null) as Record<string, string>;
  // The inherited environment's override first, as if it were the base; then this environment's.
  const inherited = environment.overridesFrom === undefined ? undefined : overrideOf(manifest, environment.overridesFrom, name);
  let base = service;
  if (inherited) {
    const inheritedPath = overridePath(environment.overridesFrom!, name);
    base = applyMergePatch(service, inherited) as JsonObject;
    recordOrigins(origins, base, service, inherited, "", servicePath(name), inheritedPath);
    recordRemovals(removed, inherited, "", inheritedPath);
  }
  const override = overrideOf(manifest, environment.name, name);
  const merged = (override ? applyMergePatch(base, override) : applyMergePatch(base, {})) as JsonObject;
  if (getOwn(merged, "enabled") === false) return undefined;

  const path = override ? overridePath(environment.name, name) : undefined;
  const own: Record<string, string> = Object.create(null) as Record<string, string>;
  // A field this environment's override did not write keeps the origin it had in `base`.
  recordOrigins(own, merged, base, override, "", INHERITED, path ?? "");
  for (const [field, origin] of Object.entries(own)) {
    if (!origin.startsWith(INHERITED)) origins[field] = origin;
    else if (!inherited || origins[field] === undefined) origins[field] = servicePath(name) + origin.slice(INHERITED.length);
  }
  delete origins["/enabled"]; // decides whether the unit exists; not a field of its spec
  if (override && path) recordRemovals(removed, override, "", path);

  const unit: Unit = {
    owner: manifest.owner,
    ...(manifest.system !== undefined ? { system: manifest.system } : {}),
    lifecycle: manifest.lifecycle ?? "production",
    service: name,
    environment: environment.name,
    namespace: namespaceFor(environment.namespace, manifest.owner, environment.name),
    cluster: environment.cluster,
    spec: withDefaults(merged, name, manifest.owner, environment),
    origins,
  };
  return { unit, merged, removed, ...(path ? { overridePath: path } : {}) };
}

/**
 * The config's namespace pattern with `{owner}` and `{env}` filled in. The config refuses patterns
 * that could give two (owner, environment) pairs one namespace (config/namespace-patterns.ts).
 */
export function namespaceFor(pattern: string, owner: string, environment: string): string {
  return fillPattern(pattern, { owner, env: environment });
}

/** A config pattern with `{owner}`, `{env}` and (where the pattern allows it) `{service}` filled in. */
export function fillPattern(pattern: string, values: { owner: string; env: string; service?: string }): string {
  return pattern.replace(/\{(owner|env|service)\}/g, (whole, key: "owner" | "env" | "service") => values[key] ?? whole);
}

/**
 * Walks the merged service beside the base and the override: a field's origin is the override's
 * pointer when the override wrote it, else the base's. Objects get an origin too, so a missing
 * (defaulted) leaf can be located at its nearest written ancestor.
 */
function recordOrigins(
  origins: Record<string, string>,
  merged: unknown,
  base: unknown,
  override: unknown,
  field: string,
  basePath: string,
  overridePathPrefix: string,
): void {
  if (field !== "") origins[field] = override !== undefined ? overridePathPrefix : basePath;
  if (Array.isArray(merged)) {
    merged.forEach((item, index) => {
      const fromOverride = override !== undefined;
      recordOrigins(
        origins,
        item,
        fromOverride ? undefined : item,
        fromOverride ? item : undefined,
        `${field}/${index}`,
        `${basePath}/${index}`,
        `${overridePathPrefix}/${index}`,
      );
    });
    return;
  }
  if (!isJsonObject(merged)) return;
  for (const key of Object.keys(merged)) {
    const token = pointer(key);
    const overrideChild = isJsonObject(override) ? getOwn(override, key) : undefined;
    const baseChild = isJsonObject(base) ? getOwn(base, key) : undefined;
    recordOrigins(
      origins,
      merged[key],
      baseChild,
      overrideChild === null ? undefined : overrideChild,
      field + token,
      basePath + token,
      overridePathPrefix + token,
    );
  }
}

function recordRemovals(removed: Record<string, string>, override: JsonObject, field: string, path: string): void {
  for (const key of Object.keys(override)) {
    const value = override[key];
    const token = pointer(key);
    if (value === null) removed[field + token] = path + token;
    else if (isJsonObject(value)) recordRemovals(removed, value, field + token, path + token);
  }
}

function withDefaults(merged: JsonObject, name: string, owner: string, environment: ResolvedEnvironment): ResolvedService {
  const spec: JsonObject = {};
  for (const key of Object.keys(merged)) {
    if (key !== "enabled") setOwn(spec, key, merged[key]);
  }
  spec.replicas ??= SERVICE_DEFAULTS.replicas;
  spec.cpu ??= SERVICE_DEFAULTS.cpu;
  spec.memory ??= SERVICE_DEFAULTS.memory;
  spec.env ??= {};
  spec.secrets ??= {};
  spec.dependencies ??= {};
  if (isJsonObject(spec.autoscaling)) {
    spec.autoscaling = { ...spec.autoscaling, cpu: spec.autoscaling.cpu ?? SERVICE_DEFAULTS.autoscalingCpu };
  }
  if (isJsonObject(spec.ingress)) {
    const host = spec.ingress.host ?? defaultHost(name, owner, environment);
    spec.ingress = { host: host ?? "", path: spec.ingress.path ?? SERVICE_DEFAULTS.ingressPath };
  }
  return spec as unknown as ResolvedService;
}

/** `{service}.{owner}.{domain}`, or undefined when the environment has no domain (a rule reports it). */
export function defaultHost(service: string, owner: string, environment: Pick<ResolvedEnvironment, "domain">): string | undefined {
  return environment.domain ? `${service}.${owner}.${environment.domain}` : undefined;
}

/**
 * The manifest pointer a unit field came from: its own origin, else its nearest written ancestor's,
 * else the service key (the field is a default). `removed`: where an override's `null` took a field
 * away, for rules that blame the removal.
 */
export function originOf(unit: Pick<Unit, "origins" | "service">, field: string, removed: Readonly<Record<string, string>> = {}): string {
  let current = field;
  while (current !== "") {
    const origin = unit.origins[current] ?? removed[current];
    if (origin !== undefined) return origin;
    current = current.slice(0, current.lastIndexOf("/"));
  }
  return servicePath(unit.service);
}
