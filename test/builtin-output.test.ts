/**
 * A built-in template's output is not parsed back at render time; its objects' identity is read
 * from their fixed head (src/render/builtin-output.ts). That reading must say exactly what a parse
 * would, for any encoded name, and every built-in output must have that head and parse back.
 */
import fc from "fast-check";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { desiredState } from "../src/flows/pipeline.js";
import { builtinObjects } from "../src/render/builtin-output.js";
import { defaultTemplates, yamlString } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import { parseObjects } from "../src/render/parse-back.js";
import { compileTemplateSet, type CompiledTemplateSet } from "../src/render/templates.js";
import { CONFIG_TEXT, sourceOf, teamManifest } from "../bench/fixtures.mjs";
import { fullUnit, helmConfig, manifestsConfig, SOURCE } from "./render-fixtures.js";

type Doc = { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };

/** What object-identity.ts reads of a document. */
function identity(doc: unknown): object {
  const d = doc as Doc;
  return { apiVersion: d.apiVersion, kind: d.kind, metadata: { name: d.metadata?.name, namespace: d.metadata?.namespace } };
}

/** The built-in set, recording every output its templates render. */
function recording(): { set: CompiledTemplateSet; outputs: Array<{ template: string; text: string }> } {
  const base = defaultTemplates();
  const outputs: Array<{ template: string; text: string }> = [];
  const templates = new Map(
    [...base.templates].map(([name, template]) => [
      name,
      {
        ...template,
        render: (view: object) => {
          const text = template.render(view);
          outputs.push({ template: name, text });
          return text;
        },
      },
    ]),
  );
  return { set: { ...base, templates }, outputs };
}

function expectReadAsParsed(outputs: Array<{ template: string; text: string }>): void {
  expect(outputs.length).toBeGreaterThan(0);
  for (const { template, text } of outputs) {
    const read = builtinObjects(text);
    const parsed = parseObjects(text);
    expect(parsed.ok, template).toBe(true);
    expect(read, `${template} has the fixed head`).not.toBeNull();
    if (!read?.ok || !parsed.ok) continue;
    expect(read.documents.map(identity), template).toEqual(parsed.documents.map(identity));
  }
}

const HOSTILE = ['"', "'", "\\", "\n", "\r", "\t", ": ", " #", "---", "...", "{{", "null", "true", "~", "1e3", "\u0000", "\u0085", "\u2028", "\ufeff", "\ud800", "\ud83d\ude00", "é", " ", "-", "?"];
const hostile = fc.string({ unit: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 10 });

describe("built-in output read without a parse-back", () => {
  it("reads any encoded identity exactly as js-yaml parses it", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (apiVersion, kind, name, namespace) => {
        const text = `apiVersion: ${yamlString(apiVersion)}\nkind: ${yamlString(kind)}\nmetadata:\n  name: ${yamlString(name)}\n  namespace: ${yamlString(namespace)}\n  labels:\n    a: "b"\n`;
        const read = builtinObjects(text);
        if (apiVersion === "" || kind === "" || name === "") {
          expect(read).toBeNull(); // parsed back, which reports the missing field
          return;
        }
        expect(read).not.toBeNull();
        const parsed = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA });
        expect(read!.ok && read!.documents.map(identity)).toEqual(parsed.map(identity));
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves anything but one object in the fixed layout to the parse-back", () => {
    const head = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: "a"\n  namespace: "b"\n';
    expect(builtinObjects(head)).not.toBeNull();
    for (const text of [
      head + "---\n" + head,
      head + "...\n",
      "# c\n" + head,
      head.replace('name: "a"', 'name: "a" # x'),
      head.replace('name: "a"', "name: true"),
      head.replace("kind: Service", "kind: null"),
      head.replace("kind: Service", "kind: 'Service'"),
      head.replace('  namespace: "b"\n', ""),
    ]) {
      expect(builtinObjects(text), text).toBeNull();
    }
  });

  it("every built-in output of the bench's 100 services has the head and parses back to it", () => {
    const { set, outputs } = recording();
    const { config } = loadConfig(CONFIG_TEXT, "paved.yml");
    const desired = desiredState(teamManifest(0, 100, { changed: 3 }), "platform.yaml", config!, sourceOf(0), set);
    expect(desired.diagnostics).toEqual([]);
    expectReadAsParsed(outputs);
    expect(new Set(outputs.map((o) => o.template)).size).toBeGreaterThanOrEqual(10);
  });

  it("and of units with hostile free text, in both render modes", () => {
    fc.assert(
      fc.property(hostile, fc.array(hostile, { maxLength: 2 }), hostile, (description, command, key) => {
        const unit = fullUnit({ description, command, env: { A: description }, secrets: { S: { key, property: description } } });
        for (const config of [manifestsConfig, helmConfig]) {
          const { set, outputs } = recording();
          const result = renderUnits([unit], config, SOURCE, set);
          expect(result.diagnostics).toEqual([]);
          expectReadAsParsed(outputs.filter((o) => o.template !== "values"));
        }
      }),
      { numRuns: 100 },
    );
  });

  it("still parses back an org's template that replaces a built-in, even with the built-in's head", () => {
    const broken = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{service.name}}\n  namespace: {{environment.namespace}}\nspec: [unclosed\n';
    const set = compileTemplateSet({ "service.yaml.hbs": broken }, {}, defaultTemplates());
    const result = renderUnits([fullUnit()], manifestsConfig, SOURCE, set);
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([["render-invalid-output", "templates/service.yaml.hbs"]]);
    expect([...result.files.keys()].some((path) => path.endsWith("/service.yaml"))).toBe(false);
  });
});
