// Findings first, positions last (#12): the core says what and where (document + pointer); one step gives the line.
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import { locateFinding, locateFindings } from "../src/document/locate.js";
import { parseYaml } from "../src/document/parse.js";
import { checkManifest } from "../src/manifest/check.js";
import { policyFindings } from "../src/policy/index.js";
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
