/**
 * The built-in org config (spec: "Built-in defaults when no config is given"): what the config
 * schema's `default`s make of an empty config — staging then production on the local cluster,
 * namespaces `{owner}-{env}`, plain manifests, no registry restriction, no dependency types.
 * `loadConfig("")` resolves to exactly this (tested).
 */
import type { PavedConfig } from "../generated/config.js";
import { configValidator } from "../generated/validators.js";
import { resolveConfig } from "./resolve.js";
import type { ResolvedConfig, ResolvedEnvironment } from "./types.js";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function builtIn(): ResolvedConfig {
  const raw: PavedConfig = {};
  if (!configValidator(raw)) throw new Error("config.schema.json: its defaults do not make a valid config");
  const config = resolveConfig(raw);
  // Plan ids digest the config's JSON, so the built-in environments keep the key order they have always had.
  const environments = config.environments.map(
    ({ name, cluster, namespace, autoSync, production, mode, promote, ...rest }): ResolvedEnvironment => ({ name, cluster, namespace, autoSync, production, mode, promote, ...rest }),
  );
  return { ...config, environments };
}

export const DEFAULT_CONFIG: ResolvedConfig = deepFreeze(builtIn());
