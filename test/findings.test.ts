// Findings first, positions last (#12): the core says what and where (document + pointer); one step gives the line.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import { locateFinding, locateFindings } from "../src/document/locate.js";
import { parseYaml } from "../src/document/parse.js";
import { desiredState } from "../src/flows/pipeline.js";
import { checkManifest } from "../src/manifest/check.js";
import { policyFindings } from "../src/policy/index.js";
import { defaultTemplates } from "../src/render/index.js";
import { yaml } from "./manifest-fixtures.js";

const text = yaml`
  apiVersion: paved.dev/v1
  owner: payments
  services:
    api:
      image: ghcr.io/acme/api:latest
`;

describe("findings", () => {
  it("policies find a problem by pointer, once for every environment it affects, before any line is known", () => {
    const { units } = checkManifest(text, "platform.yaml", DEFAULT_CONFIG);
    const findings = policyFindings(units, { ...DEFAULT_CONFIG, builtins: { "production-digest": false } }, "platform.yaml");
    expect(findings).toEqual([
      expect.objectContaining({ code: "image-tag", severity: "error", at: { document: "platform.yaml", pointer: "/services/api/image", side: "value" } }),
    ]);
    expect(findings[0]).not.toHaveProperty("line");
  });

  it("the manifest check no longer runs policies: the latest tag is not its business", () => {
    expect(checkManifest(text, "platform.yaml", DEFAULT_CONFIG).diagnostics.map((d) => d.code)).not.toContain("image-tag");
  });

  it("one step locates a finding at its key or its value", () => {
    const { sourceMap } = parseYaml(text, "platform.yaml");
    const finding = { severity: "error" as const, code: "x", message: "m", at: { document: "platform.yaml", pointer: "/services/api/image" } };
    expect(locateFinding({ ...finding, at: { ...finding.at, side: "value" } }, { file: "apps/platform.yaml", sourceMap })).toMatchObject({ file: "apps/platform.yaml", line: 5, column: 12 });
    expect(locateFinding({ ...finding, at: { ...finding.at, side: "key" } }, { file: "apps/platform.yaml", sourceMap })).toMatchObject({ line: 5, column: 5 });
  });

  it("render findings about the manifest are located; a template's keep their own position", () => {
    const { sourceMap } = parseYaml(text, "platform.yaml");
    const rendered = [
      { severity: "error" as const, code: "a", message: "m", at: { document: "platform.yaml", pointer: "/services/api/image" } },
      { severity: "error" as const, code: "b", message: "m", at: { document: "templates/x.yaml", pointer: "", position: { line: 3, column: 2 } } },
    ];
    expect(locateFindings(rendered, { "platform.yaml": { file: "apps/platform.yaml", sourceMap } }).map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual([
      "apps/platform.yaml:5:5",
      "templates/x.yaml:3:2",
    ]);
  });
});

describe("render findings about the org config, through the pipeline", () => {
  const MULTI_TEAM = new URL("../examples/multi-team/", import.meta.url);
  const helm = readFileSync(new URL("paved-helm.yml", MULTI_TEAM), "utf8");
  const manifest = readFileSync(new URL("payments.platform.yaml", MULTI_TEAM), "utf8");
  // Valid JSON (the loader reads it) that Ajv does not compile (the render step refuses it).
  const options = { valuesSchema: { type: "object", properties: { replicas: { type: "integr" } } } };

  it("are located in the config document when it was read, at the field that causes them", () => {
    const { config } = loadConfig(helm, "acme/.github/paved.yml");
    const desired = desiredState(manifest, "platform.yaml", config!, { repository: "acme/payments" }, defaultTemplates(), options, { file: "acme/.github/paved.yml", text: helm });
    const line = helm.split("\n").findIndex((l) => l.includes("valuesSchema:")) + 1;
    expect(line).toBeGreaterThan(1);
    const found = desired.rendered.diagnostics.filter((d) => d.code === "render-invalid-values-schema");
    expect(found.map((d) => `${d.file}:${d.line} ${d.path}`)).toEqual([`acme/.github/paved.yml:${line} /render/chart/valuesSchema`]);
    expect(found[0]!.message).toMatch(/^the chart's values\.schema\.json does not compile: /);
  });

  it("keep naming the config's usual home at 1:1 when no config text is at hand", () => {
    const { config } = loadConfig(helm, "acme/.github/paved.yml");
    const desired = desiredState(manifest, "platform.yaml", config!, { repository: "acme/payments" }, defaultTemplates(), options);
    expect(desired.rendered.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual([".github/paved.yml:1:1 render-invalid-values-schema"]);
  });
});
