// Shared fixtures for the manifest, policy, config and CLI tests.
import { readFileSync } from "node:fs";
import { loadConfig } from "../src/config/load.js";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import type { ResolvedConfig } from "../src/config/types.js";
import type { Diagnostic } from "../src/core/diagnostic.js";
import type { ManifestCheck } from "../src/manifest/check.js";
import { checkManifestAndPolicies as checkManifest } from "../src/policy/checked-manifest.js";

export const examplesDir = new URL("../examples/", import.meta.url);
export const exampleManifest = readFileSync(new URL("platform.yaml", examplesDir), "utf8");
export const exampleConfigText = readFileSync(new URL("paved.yml", examplesDir), "utf8");

/** Strips the indentation common to all lines and the first newline: line 1 is the first line of YAML. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = text.replace(/^\n/, "").replace(/\n[ \t]*$/, "\n").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

export function config(text: string): ResolvedConfig {
  const loaded = loadConfig(text, "paved.yml");
  if (!loaded.config) throw new Error(`config has errors: ${JSON.stringify(loaded.diagnostics)}`);
  return loaded.config;
}

export const exampleConfig = config(exampleConfigText);

/** The example's environments and dependency catalog without its policies and registry rule, to test rules alone. */
export const catalogConfig: ResolvedConfig = { ...exampleConfig, policies: [], registries: [] };

export function check(text: string, cfg: ResolvedConfig = DEFAULT_CONFIG): ManifestCheck {
  return checkManifest(text, "platform.yaml", cfg);
}

/** `code@line:column` for compact assertions. */
export function at(d: Diagnostic): string {
  return `${d.code}@${d.line}:${d.column}`;
}

export function errors(result: ManifestCheck): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === "error");
}

/** The only error, or a failure that shows all of them. */
export function onlyError(result: ManifestCheck): Diagnostic {
  const found = errors(result);
  if (found.length !== 1) throw new Error(`expected exactly one error, got ${JSON.stringify(found, null, 2)}`);
  return found[0]!;
}

/** A minimal valid manifest around one service body (indented under `api:`). */
export function withService(body: string, extra = ""): string {
  const indented = body
    .trim()
    .split("\n")
    .map((l) => "    " + l)
    .join("\n");
  return `apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n${indented}\n${extra}`;
}
