/**
 * Every bundled example validates cleanly, renders, plans and applies: they are what people copy,
 * and what `paved demo` runs on.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parse as parseYamlText } from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import type { ResolvedConfig } from "../src/config/types.js";
import type { Source } from "../src/core/files.js";
import { PAVED_VERSION } from "../src/core/version.js";
import type { CommitResult, GitOpsWriter } from "../src/gitops/writer.js";
import type { FileWrite, TreeSnapshot, Blobs } from "../src/plan/types.js";
import { applyWithRetry } from "../src/flows/apply.js";
import { checkManifestAndPolicies as checkManifest } from "../src/policy/checked-manifest.js";
import { gitBlobSha } from "../src/plan/blob-sha.js";
import { desiredState } from "../src/flows/pipeline.js";
import { planner } from "../src/flows/planner.js";
import { loadTemplateSet, type RenderOptions } from "../src/render/index.js";
import { compileValuesSchema } from "../src/render/values-schema.js";
import { runCli, type CliResult } from "./support/cli-world.js";
import { MemoryGitOps } from "./support/memory-gitops.mjs";

const EXAMPLES = fileURLToPath(new URL("../examples/", import.meta.url));
const read = (path: string) => readFileSync(`${EXAMPLES}${path}`, "utf8");

function config(path: string): ResolvedConfig {
  const loaded = loadConfig(read(path), `examples/${path}`);
  expect(loaded.diagnostics).toEqual([]);
  return loaded.config!;
}

interface Example {
  manifest: string;
  config: string;
  source: string;
  /** Warnings the example keeps on purpose. */
  warnings: string[];
}

const MULTI_TEAM_CONFIGS = ["multi-team/paved.yml", "multi-team/paved-helm.yml"];
const MULTI_TEAM: Example[] = MULTI_TEAM_CONFIGS.flatMap((cfg) => [
  { manifest: "multi-team/payments.platform.yaml", config: cfg, source: "acme/payments", warnings: [] },
  { manifest: "multi-team/search.platform.yaml", config: cfg, source: "acme/search", warnings: [] },
]);
const EXAMPLES_ALL: Example[] = [
  // The spec's own example keeps its tag in production: the built-in digest warning shows on it.
  { manifest: "platform.yaml", config: "paved.yml", source: "acme/payments", warnings: ["production-digest"] },
  ...MULTI_TEAM,
];

/** A GitOps repository in memory, behind the same interface as the local and GitHub writers. */
class MemoryWriter extends MemoryGitOps {
  constructor() {
    super({ blobSha: gitBlobSha });
  }
}

function renderOptions(cfg: ResolvedConfig, configPath: string): RenderOptions {
  const schema = cfg.render.mode === "helm" ? cfg.render.chart?.valuesSchema : undefined;
  if (!schema) return {};
  const dir = configPath.includes("/") ? configPath.slice(0, configPath.lastIndexOf("/") + 1) : "";
  return { valuesSchema: JSON.parse(read(`${dir}${schema}`)) as object };
}

function desired(example: Example) {
  const cfg = config(example.config);
  const text = read(example.manifest);
  const source: Source = { repository: example.source, sha: "c".repeat(40) };
  const state = desiredState(text, example.manifest, cfg, source, loadTemplateSet(null), renderOptions(cfg, example.config));
  const bound = planner(state, { source, config: cfg, version: PAVED_VERSION, manifestText: text, manifestFile: example.manifest, locate: state.locate });
  return { cfg, text, state, bound };
}

function paved(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: EXAMPLES });
}

describe("the bundled examples", () => {
  it.each(EXAMPLES_ALL)("$manifest validates cleanly against $config", (example) => {
    const check = checkManifest(read(example.manifest), example.manifest, config(example.config));
    expect(check.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(check.diagnostics.map((d) => d.code)).toEqual(example.warnings);
    expect(check.units.length).toBeGreaterThan(0);
  });

  it.each(EXAMPLES_ALL)("`paved validate $manifest --config $config` exits 0", async (example) => {
    const result = await paved("validate", example.manifest, "--config", example.config);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/: valid \(\d+ units?\)/);
  });

  it.each(EXAMPLES_ALL)("$manifest renders and plans against $config, then applies to nothing more", async (example) => {
    const { state, bound } = desired(example);
    expect(state.rendered.diagnostics).toEqual([]);
    expect(state.rendered.files.size).toBeGreaterThan(0);
    const writer = new MemoryWriter();
    const first = await applyWithRetry(writer, bound, { attempts: 1 });
    expect(first.status).toBe("committed");
    expect(first.plan.valid).toBe(true);
    expect(first.plan.changes.every((c) => c.action === "create")).toBe(true);
    for (const [path, content] of state.rendered.files) expect(writer.files.get(path)).toBe(content);
    // Every rendered file is YAML that parses.
    for (const [path, content] of state.rendered.files) expect(parseAllDocuments(content).flatMap((d) => d.errors), path).toEqual([]);
    const again = await applyWithRetry(writer, bound, { attempts: 1 });
    expect(again.status).toBe("unchanged");
  });

  it.each(MULTI_TEAM_CONFIGS)("both teams share one GitOps repository under %s without touching each other's files", async (cfg) => {
    const writer = new MemoryWriter();
    const [payments, search] = MULTI_TEAM.filter((e) => e.config === cfg).map(desired);
    expect((await applyWithRetry(writer, payments!.bound, { attempts: 1 })).status).toBe("committed");
    const paymentsFiles = new Map(writer.files);
    const second = await applyWithRetry(writer, search!.bound, { attempts: 1 });
    expect(second.status).toBe("committed");
    expect(second.plan.changes.every((c) => c.action === "create")).toBe(true);
    for (const [path, content] of paymentsFiles) expect(writer.files.get(path)).toBe(content);
    expect([...writer.files.keys()].every((p) => p.startsWith("clusters/"))).toBe(true);
    expect(writer.files.has("clusters/projects/payments.yaml") && writer.files.has("clusters/projects/search.yaml")).toBe(true);
  });

  it("re-plans on top of another writer's commit that lands between its read and its commit", async () => {
    const { state, bound } = desired(EXAMPLES_ALL[0]!);
    const writer = new MemoryWriter();
    const read = writer.readTree.bind(writer);
    let reads = 0;
    writer.readTree = async () => {
      const snapshot = await read();
      // The first attempt's base is overtaken before it commits: its commit must be refused, not land.
      if (++reads === 1) writer.concurrentCommit({ "README.md": "# GitOps, by hand\n" });
      return snapshot;
    };
    const outcome = await applyWithRetry(writer, bound, { attempts: 3, sleep: async () => {} });
    expect(outcome.status).toBe("committed");
    expect(outcome.attempts).toBe(2);
    expect(writer.files.get("README.md")).toBe("# GitOps, by hand\n");
    for (const [path, content] of state.rendered.files) expect(writer.files.get(path)).toBe(content);
  });
});

describe("examples/multi-team exercises every feature", () => {
  const cfg = config("multi-team/paved.yml");
  const payments = checkManifest(read("multi-team/payments.platform.yaml"), "payments.platform.yaml", cfg);
  const search = checkManifest(read("multi-team/search.platform.yaml"), "search.platform.yaml", cfg);
  const unit = (check: typeof payments, key: string) => check.units.find((u) => `${u.environment}/${u.service}` === key)!;

  it("has three environments, one behind an approval, a catalog with postgres and redis, links, policies and registries", () => {
    expect(cfg.environments.map((e) => e.name)).toEqual(["dev", "staging", "production"]);
    expect(cfg.environments.find((e) => e.name === "production")!.approval).toEqual({ owners: true, teams: ["platform", "sre"], excludeLastPusher: false });
    expect(Object.keys(cfg.dependencies).sort()).toEqual(["postgres", "redis"]);
    expect(Object.keys(cfg.links).length).toBeGreaterThan(0);
    expect(cfg.policies.length).toBeGreaterThan(0);
    expect(cfg.registries.length).toBeGreaterThan(0);
    expect(cfg.gitops.directory).toBe("clusters");
  });

  it("uses dependencies, secrets, autoscaling, ingress hosts explicit and from the domain, workers, null removal and enabled: false", () => {
    const prodApi = unit(payments, "production/api").spec;
    expect(prodApi.dependencies).toEqual({ db: { type: "postgres", class: "large" }, cache: { type: "redis", class: "small" } });
    expect(prodApi.env.REFUNDS_ENABLED).toBeUndefined();
    expect(prodApi.ingress).toEqual({ host: "api.payments.acme.com", path: "/" });
    expect(prodApi.autoscaling).toMatchObject({ min: 2, max: 10 });
    expect(Object.keys(prodApi.secrets).sort()).toEqual(["STRIPE_KEY", "WEBHOOK_SECRET"]);
    const devApi = unit(payments, "dev/api").spec;
    expect(devApi.ingress).toEqual({ host: "api.payments.dev.acme.io", path: "/" });
    expect(devApi.autoscaling).toBeUndefined();
    expect(devApi.env.REFUNDS_ENABLED).toBe("true"); // env values are the text as written
    expect(unit(payments, "staging/worker").spec.port).toBeUndefined();
    expect(unit(payments, "dev/worker")).toBeUndefined();
    expect(unit(search, "staging/web").spec.ingress).toEqual({ host: "web.search.staging.acme.io", path: "/search" });
    expect(search.units.filter((u) => u.service === "indexer").map((u) => u.environment)).toEqual(["dev"]);
  });

  it("has a chart values schema that the helm renders satisfy and that does reject bad values", () => {
    const helm = config("multi-team/paved-helm.yml");
    expect(helm.render.mode).toBe("helm");
    expect(helm.render.chart?.valuesSchema).toBe("values.schema.json");
    const compiled = compileValuesSchema(JSON.parse(read("multi-team/values.schema.json")) as object);
    if (!compiled.ok) throw new Error(compiled.message);
    let checked = 0;
    for (const example of MULTI_TEAM.filter((e) => e.config === "multi-team/paved-helm.yml")) {
      for (const [path, content] of desired(example).state.rendered.files) {
        if (!path.endsWith("/values.yaml")) continue;
        const values = parseYamlText(content) as Record<string, unknown>;
        expect(compiled.validate(values), path).toEqual([]);
        expect(compiled.validate({ ...values, replicas: "three" }).join("\n"), path).toMatch(/replicas/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});
