/**
 * The rendered trees the conformance tests judge: every example under examples/ with each of its
 * configs, and test/fixtures/every-field (a manifest and config that set every field) in both modes,
 * each through the real pipeline (manifest check, then render with the built-in templates).
 */
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { expect } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { ResolvedConfig } from "../../src/config/types.js";
import { checkManifestAndPolicies as checkManifest } from "../../src/policy/checked-manifest.js";
import { loadTemplateSet } from "../../src/render/index.js";
import { renderUnits } from "./render-alone.js";
import type { RenderedObject } from "./conformance.js";

export const readRepoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const VALUES_SCHEMA = JSON.parse(readRepoFile("examples/multi-team/values.schema.json")) as object;

function config(path: string, mode?: "helm"): ResolvedConfig {
  const loaded = loadConfig(readRepoFile(path), path);
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const cfg = loaded.config!;
  return mode ? { ...cfg, render: { ...cfg.render, mode } } : cfg;
}

export interface TreeCase {
  name: string;
  manifest: string;
  config: ResolvedConfig;
  repository: string;
}

export const TREE_CASES: TreeCase[] = [
  { name: "examples/platform.yaml", manifest: "examples/platform.yaml", config: config("examples/paved.yml"), repository: "acme/payments" },
  ...["examples/multi-team/paved.yml", "examples/multi-team/paved-helm.yml"].flatMap((cfg) =>
    ["payments", "search"].map((team) => ({
      name: `examples/multi-team/${team}.platform.yaml with ${cfg}`,
      manifest: `examples/multi-team/${team}.platform.yaml`,
      config: config(cfg),
      repository: `acme/${team}`,
    })),
  ),
  { name: "every field, manifests mode", manifest: "test/fixtures/every-field/platform.yaml", config: config("test/fixtures/every-field/paved.yml"), repository: "acme/payments" },
  { name: "every field, helm mode", manifest: "test/fixtures/every-field/platform.yaml", config: config("test/fixtures/every-field/paved.yml", "helm"), repository: "acme/payments" },
];

export interface RenderedTree {
  objects: Array<{ path: string; object: RenderedObject }>;
  /** values.yaml files (helm mode), parsed; the chart's schema has checked them while rendering. */
  values: Array<{ path: string; values: Record<string, any> }>;
}

export function renderTree(c: TreeCase): RenderedTree {
  const check = checkManifest(readRepoFile(c.manifest), c.manifest, c.config);
  expect(check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const options = c.config.render.mode === "helm" ? { valuesSchema: VALUES_SCHEMA } : {};
  const result = renderUnits(check.units, c.config, { repository: c.repository, sha: "c".repeat(40) }, loadTemplateSet(null), options);
  expect(result.diagnostics).toEqual([]);
  const tree: RenderedTree = { objects: [], values: [] };
  for (const [path, text] of result.files) {
    const documents = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA });
    if (path.endsWith("/values.yaml")) tree.values.push({ path, values: documents[0] as Record<string, any> });
    else tree.objects.push(...documents.map((object) => ({ path, object: object as RenderedObject })));
  }
  return tree;
}
