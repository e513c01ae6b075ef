import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
// @ts-expect-error — a plain .mjs build script without types
import { generate } from "../scripts/gen-types.mjs";

type Schema = Record<string, any>;
const load = (name: string): Schema => JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), "utf8"));

/** Every property a user can write, with the schema that describes it (following $ref). */
function properties(root: Schema, node: Schema, path: string, out: Array<{ path: string; schema: Schema }>, seen = new Set<Schema>()): void {
  if (!node || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  const resolve = (s: Schema): Schema => (typeof s?.$ref === "string" ? { ...root.$defs[s.$ref.replace("#/$defs/", "")], ...s } : s);
  for (const [name, child] of Object.entries<Schema>(node.properties ?? {})) {
    const resolved = resolve(child);
    out.push({ path: `${path}/${name}`, schema: resolved });
    properties(root, resolved, `${path}/${name}`, out, seen);
  }
  for (const key of ["additionalProperties", "items"]) {
    if (node[key] && typeof node[key] === "object") properties(root, resolve(node[key]), `${path}/*`, out, seen);
  }
  for (const branch of node.anyOf ?? []) properties(root, resolve(branch), path, out, seen);
}

describe("the JSON Schemas", () => {
  for (const name of ["platform.schema.json", "config.schema.json"]) {
    it(`${name} describes every field for editors`, () => {
      const schema = load(name);
      expect(schema.$id).toMatch(/^https:\/\/paved\.dev\/schemas\//);
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      const fields: Array<{ path: string; schema: Schema }> = [];
      properties(schema, schema, "", fields);
      expect(fields.length).toBeGreaterThan(20);
      const undocumented = fields.filter((f) => typeof f.schema.description !== "string" || f.schema.description.length < 5).map((f) => f.path);
      expect(undocumented).toEqual([]);
    });
  }

  it("are what the committed TypeScript types were generated from", async () => {
    const generated = (await generate()) as Record<string, string>;
    for (const [name, text] of Object.entries(generated)) {
      expect(readFileSync(new URL(`../src/generated/${name}.ts`, import.meta.url), "utf8"), `run \`node scripts/gen-types.mjs\` (src/generated/${name}.ts is stale)`).toBe(text);
    }
  });

  // Ajv's strict mode refuses what a schema author gets silently wrong: unknown keywords, `required`
  // names no property defines, type keywords that cannot apply. Union types (`type: [string, number]`)
  // are intended, so allowUnionTypes; everything else strict. The meta-schema, too.
  const strictAjv = () => {
    const ajv = new Ajv2020({ strict: true, strictSchema: true, strictNumbers: true, strictTypes: true, strictTuples: true, strictRequired: true, allowUnionTypes: true, logger: false });
    addFormats.default(ajv);
    return ajv;
  };

  for (const name of ["platform.schema.json", "config.schema.json"]) {
    it(`${name} compiles under Ajv strict mode`, () => {
      const ajv = strictAjv();
      expect(ajv.validateSchema(load(name)), ajv.errorsText()).toBe(true);
      expect(() => ajv.compile(load(name))).not.toThrow();
    });
  }

  it("strict mode refuses a schema mistake (the negative control)", () => {
    const withTypo = { ...load("config.schema.json"), $id: "https://paved.dev/schemas/typo.json", properties: { gitops: { type: "object", additionalProperty: false } } };
    expect(() => strictAjv().compile(withTypo)).toThrow(/unknown keyword: "additionalProperty"/);
    const unionWithoutFlag = new Ajv2020({ strict: true });
    addFormats.default(unionWithoutFlag);
    expect(() => unionWithoutFlag.compile(load("platform.schema.json"))).toThrow(/allowUnionTypes/);
  });
});
