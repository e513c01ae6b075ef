/**
 * `paved check-config`: the org config on its own, with everything it names — templates that must
 * compile, a values schema that must load and compile — each problem located; and `paved validate`
 * handed the config says which command to run instead of a flood of manifest errors.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../src/cli/main.js";
import { runCli, type CliResult } from "./support/cli-world.js";

const EXAMPLES = new URL("../examples/", import.meta.url).pathname;
let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "paved-check-config-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(cwd, path)), { recursive: true });
  writeFileSync(join(cwd, path), text);
}

function paved(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd });
}

const HELM = readFileSync(join(EXAMPLES, "multi-team/paved-helm.yml"), "utf8");

describe("paved check-config", () => {
  it("passes the examples, defaulting to .github/paved.yml", async () => {
    write(".github/paved.yml", readFileSync(join(EXAMPLES, "paved.yml"), "utf8"));
    const result = await paved("check-config");
    expect(result.stdout).toBe(".github/paved.yml: valid org config (2 environments, 1 policy, 13 templates)\n");
    expect(result.code).toBe(0);
    const helm = await paved("check-config", join(EXAMPLES, "multi-team/paved-helm.yml"));
    expect(helm.stdout).toMatch(/: valid org config \(\d+ environments, \d+ polic(y|ies), \d+ templates\)\n$/);
    expect(helm.code).toBe(0);
  });

  it("finds a template that does not compile, at the template's line", async () => {
    write(".github/paved.yml", "render:\n  templates: paved-templates\n");
    write(".github/paved-templates/service.yaml.hbs", "kind: Service\nmetadata:\n  name: {{service.name}\n");
    const result = await paved("check-config");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\.github\/paved-templates\/service\.yaml\.hbs:\d+:\d+: error: .*compile/m);
  });

  it("finds a missing templates folder and a missing or broken values schema, located where the config names them", async () => {
    write("paved.yml", "render:\n  mode: manifests\n  templates: nowhere\n");
    const folder = await paved("check-config", "paved.yml");
    expect(folder.code).toBe(1);
    // The App's and the Action's diagnostic (one loader, src/settings/load.ts), no longer the CLI's own `config-file-unreadable`.
    expect(folder.stdout).toMatch(/^paved\.yml:3:14: error: render\.templates: the folder `nowhere` was not found in the working folder \[templates-not-found\]$/m);

    write("helm.yml", HELM);
    const missing = await paved("check-config", "helm.yml");
    expect(missing.code).toBe(1);
    const line = HELM.split("\n").findIndex((l) => l.includes("valuesSchema:")) + 1;
    expect(missing.stdout).toMatch(new RegExp(`^helm\\.yml:${line}:\\d+: error: render\\.chart\\.valuesSchema: \`values\\.schema\\.json\` was not found in the working folder \\[values-schema-not-found\\]$`, "m"));

    write("values.schema.json", '{ "type": "object", "properties": { "replicas": { "type": "integr" } } }');
    const broken = await paved("check-config", "helm.yml");
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`^helm\\.yml:${line}:\\d+: error: the chart's values schema does not compile: .*replicas\\/type`, "m"));
  });

  it("reports config errors and policy warnings with their location", async () => {
    write(".github/paved.yml", "gitops: { repositry: acme/gitops }\npolicies:\n  - id: min\n    assert: { properties: { replica: { minimum: 2 } } }\n");
    const result = await paved("check-config");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\.github\/paved\.yml:1:\d+: error: .*repositry.*did you mean `repository`/m);
  });
});

describe("paved validate given the org config", () => {
  it("says to run check-config, with one error instead of a flood", async () => {
    write(".github/paved.yml", readFileSync(join(EXAMPLES, "paved.yml"), "utf8"));
    const result = await paved("validate", ".github/paved.yml");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(".github/paved.yml:1:1: error: `.github/paved.yml` is an org config, not a platform.yaml: check it with `paved check-config .github/paved.yml` [org-config-not-manifest]\n1 error\n");
  });
});
