import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { starterManifest } from "../src/cli/init.js";
import { cleanUp, paved, tempDir } from "./support/cli-world.js";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import { loadConfig } from "../src/config/load.js";
import type { ResolvedConfig } from "../src/config/types.js";
import { checkManifestAndPolicies as checkManifest } from "../src/policy/checked-manifest.js";

afterEach(cleanUp);

function folder(name = "checkout-api"): string {
  const root = tempDir("paved-init-");
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
}

const example = (path: string) => new URL(`../examples/${path}`, import.meta.url);
function config(path: string): ResolvedConfig {
  const loaded = loadConfig(readFileSync(example(path), "utf8"), path);
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
}

const CONFIGS: Array<[string, ResolvedConfig]> = [
  ["the built-in defaults", DEFAULT_CONFIG],
  ["examples/paved.yml", config("paved.yml")],
  ["examples/multi-team/paved.yml", config("multi-team/paved.yml")],
  ["examples/multi-team/paved-helm.yml", config("multi-team/paved-helm.yml")],
];

describe("paved init", () => {
  it("writes a commented platform.yaml with the schema modeline first, which validates cleanly", async () => {
    const dir = folder();
    const result = await paved(dir, "init", "--owner", "payments", "--service", "api");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("platform.yaml: valid (1 unit)");
    const text = readFileSync(join(dir, "platform.yaml"), "utf8");
    // A tag's raw URL (one that exists once the repository is public), not a placeholder domain.
    const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
    expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=https://raw.githubusercontent.com/paved-dev/paved/v${version}/schemas/platform.schema.json`);
    expect(text).toContain("node_modules/paved/schemas/platform.schema.json");
    expect(text.split("\n").filter((l) => l.trimStart().startsWith("#")).length).toBeGreaterThan(8);
    const manifest = parse(text) as { owner: string; services: Record<string, { image: string }> };
    expect(manifest.owner).toBe("payments");
    expect(Object.keys(manifest.services)).toEqual(["api"]);
    expect(checkManifest(text, "platform.yaml", DEFAULT_CONFIG).diagnostics).toEqual([]);

    const validated = await paved(dir, "validate");
    expect(validated.code).toBe(0);
    expect(validated.stdout).toBe("platform.yaml: valid (1 unit)\n");
  });

  it("refuses to overwrite without --force, and overwrites with it", async () => {
    const dir = folder();
    writeFileSync(join(dir, "platform.yaml"), "mine\n");
    const refused = await paved(dir, "init");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/`platform\.yaml` already exists; pass --force/);
    expect(readFileSync(join(dir, "platform.yaml"), "utf8")).toBe("mine\n");

    const forced = await paved(dir, "init", "--force", "--owner", "search");
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, "platform.yaml"), "utf8")).toMatch(/^owner: search /m);
  });

  it("names the service after the folder and writes to the FILE given", async () => {
    const dir = folder("Checkout_API");
    const result = await paved(dir, "init", "deploy.yaml");
    expect(result.code).toBe(0);
    const manifest = parse(readFileSync(join(dir, "deploy.yaml"), "utf8")) as { owner: string; services: Record<string, unknown> };
    expect(Object.keys(manifest.services)).toEqual(["checkout-api"]);
    expect(manifest.owner).toBe("my-team");
    expect(result.stdout).toMatch(/--owner TEAM/);
  });

  it("follows the org config: registries, environments and catalog", async () => {
    const dir = folder();
    mkdirSync(join(dir, ".github"));
    writeFileSync(join(dir, ".github/paved.yml"), readFileSync(example("multi-team/paved.yml")));
    const result = await paved(dir, "init", "--owner", "payments", "--service", "ledger");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("following .github/paved.yml");
    const text = readFileSync(join(dir, "platform.yaml"), "utf8");
    expect(text).toMatch(/^ {4}image: ghcr\.io\/acme\/ledger:0\.1\.0 /m);
    expect(text).toContain("postgres, redis");
    expect(text).toContain("ledger.payments.dev.acme.io");
    expect(checkManifest(text, "platform.yaml", config("multi-team/paved.yml")).diagnostics).toEqual([]);
  });

  it.each(CONFIGS)("writes a manifest with no diagnostics at all under %s, for any owner and service", (_name, cfg) => {
    for (const [owner, service] of [["payments", "api"], ["a", "b"], ["team-9", "x".repeat(40)], ["z".repeat(40), "svc-2"]] as const) {
      const text = starterManifest({ owner, service, config: cfg });
      const check = checkManifest(text, "platform.yaml", cfg);
      expect(check.diagnostics, `${owner}/${service}`).toEqual([]);
      expect(check.units.map((u) => u.environment)).toEqual(cfg.environments.filter((e) => !e.production).map((e) => e.name));
    }
  });

  it("stays valid under an org without a production environment (and says how to add overrides)", () => {
    const loaded = loadConfig("environments:\n  dev: { cluster: https://kubernetes.default.svc }\n", ".github/paved.yml");
    const text = starterManifest({ owner: "payments", service: "api", config: loaded.config! });
    expect(text).toContain("# environments:");
    expect(checkManifest(text, "platform.yaml", loaded.config!).diagnostics).toEqual([]);
  });

  it("rejects owners and services that are not slugs", async () => {
    const dir = folder();
    const owner = await paved(dir, "init", "--owner", "Payments");
    expect(owner.code).toBe(2);
    expect(owner.stderr).toMatch(/`--owner` must be a GitHub team slug/);
    const service = await paved(dir, "init", "--service", "9lives");
    expect(service.code).toBe(2);
    expect(service.stderr).toMatch(/`--service` must start with a letter/);
  });
});

describe("paved --help and --version", () => {
  it("lists every command and the exit codes", async () => {
    const help = await paved(process.cwd(), "--help");
    expect(help.code).toBe(0);
    for (const name of ["validate", "render", "plan", "apply", "init", "demo"]) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    expect(help.stdout).toMatch(/Exit status:\n {2}0 .*\n {2}1 .*\n(?: .*\n)* {2}2 /);
  });

  it("prints per-command help and the version", async () => {
    for (const name of ["validate", "render", "plan", "apply", "init", "demo"]) {
      const help = await paved(process.cwd(), name, "--help");
      expect(help.code, name).toBe(0);
      expect(help.stdout, name).toMatch(new RegExp(`^Usage: paved ${name}`));
      expect(help.stdout, name).toMatch(/Exit status: 0/);
    }
    const version = await paved(process.cwd(), "--version");
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
