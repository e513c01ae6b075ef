// Injection-proof by construction: whatever a manifest's free-text fields hold, the rendered YAML
// parses back (with two independent parsers) to exactly that text, in exactly its place; container
// strings (env values, command, args) are what the process gets after the kubelet's `$` expansion.
import fc from "fast-check";
import yaml from "js-yaml";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import type { Unit } from "../src/core/unit.js";
import { parseEnvValue } from "../src/manifest/placeholder.js";
import { concat, decodeScalar } from "../src/render/helpers.js";
import { defaultTemplates, yamlString } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import { fullUnit, helmConfig, manifestsConfig, SOURCE } from "./render-fixtures.js";
import { kubeletExpand } from "./support/kubelet-expansion.js";

/** Pieces that mean something to YAML, Handlebars, shells or parsers, mixed with any UTF-16 unit. */
const HOSTILE_PIECES = [
  "\n", "\r\n", "\r", "\t", '"', "'", "\\", "\\n", "{{", "}}", "{{{x}}}", "{{> p}}", "---", "...", "#", " #", ": ", ":",
  "- ", "? ", "|", ">", "&a", "*a", "!!binary", "!tag", "%YAML", "@", "`", "[", "]", "{", "}", ",", "${", "$${", "$", "$$", "$(", ")", "$(HOME)",
  "${dependencies.db.url}", "null", "~", "true", "0x1F", "1e3", ".inf", "2024-01-01", "<<", "\u0000", "\u0007", "\u001b",
  "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udbff", "\udc00", "\udfff",
  "\ud83d\ude00", "é", "日本", " ", "  ",
];

const hostileString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...HOSTILE_PIECES),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});

const envValue = fc.oneof(hostileString, fc.integer(), fc.double({ noNaN: true }), fc.boolean());
const paramValue = fc.oneof(hostileString, fc.integer(), fc.boolean());
const hostLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const host = fc.array(hostLabel, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
const httpPath = fc.stringMatching(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,20}$/);

interface Fields {
  description: string;
  command: string[];
  args: string[];
  env: Record<string, string | number | boolean>;
  secretKey: string;
  secretProperty: string;
  params: Record<string, string | number | boolean>;
  host: string;
  path: string;
}

const fields: fc.Arbitrary<Fields> = fc.record({
  description: hostileString,
  command: fc.array(hostileString, { maxLength: 3 }),
  args: fc.array(hostileString, { maxLength: 3 }),
  env: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), envValue, { maxKeys: 4 }),
  secretKey: hostileString,
  secretProperty: hostileString,
  params: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/), paramValue, { maxKeys: 4 }),
  host,
  path: httpPath,
});

function unitOf(f: Fields): Unit {
  // The secret's env name must not collide with a plain env var: the list would hold both.
  const env = Object.fromEntries(Object.entries(f.env).filter(([name]) => name !== "SECRET_X"));
  return fullUnit({
    description: f.description,
    command: f.command,
    args: f.args,
    env,
    secrets: { SECRET_X: { key: f.secretKey, property: f.secretProperty } },
    ingress: { host: f.host, path: f.path },
    dependencies: { db: { type: "postgres", params: f.params } },
  });
}

/** What an env var's value must read back as: `$${` is a literal `${`; numbers and booleans as text. */
function expectedEnv(value: string | number | boolean): string {
  const parsed = parseEnvValue(value);
  return asProcessSees(parsed.kind === "literal" ? parsed.text : String(value));
}

/** A process receives UTF-8: a lone surrogate (no UTF-8 form) arrives as U+FFFD whatever Paved does. */
function asProcessSees(text: string): string {
  return text.toWellFormed();
}

/** What the process gets from a rendered container string, with every `$(NAME)` defined. */
function afterKubelet(text: string): string {
  return kubeletExpand(text, (name) => `<value of ${name}>`);
}

function isDependencyPlaceholder(value: string | number | boolean): boolean {
  return parseEnvValue(value).kind === "dependency";
}

/** Parses with js-yaml (core schema) and with `yaml` (YAML 1.2 core), which must agree. */
function parseBoth(text: string): unknown[] {
  const a = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA });
  const b = YAML.parseAllDocuments(text, { schema: "core", uniqueKeys: true }).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
  expect(b).toEqual(a);
  return a;
}

function render(unit: Unit, mode: "manifests" | "helm"): Map<string, unknown[]> {
  const result = renderUnits([unit], mode === "helm" ? helmConfig : manifestsConfig, SOURCE, defaultTemplates());
  expect(result.diagnostics).toEqual([]);
  return new Map([...result.files].map(([path, text]) => [path, parseBoth(text)]));
}

type Doc = Record<string, any>;

function one(files: Map<string, unknown[]>, suffix: string): Doc {
  const entry = [...files].find(([path]) => path.endsWith(suffix));
  if (!entry) throw new Error(`no file ending ${suffix} in ${[...files.keys()].join(", ")}`);
  return entry[1][0] as Doc;
}

describe("any string in a user-controlled field renders to YAML that parses back to exactly it", () => {
  it("manifests mode", () => {
    fc.assert(
      fc.property(fields, (f) => {
        fc.pre(!Object.values(f.env).some(isDependencyPlaceholder));
        const files = render(unitOf(f), "manifests");
        const container = one(files, "/manifests/deployment.yaml").spec.template.spec.containers[0];
        expect((container.command ?? []).map(afterKubelet)).toEqual(f.command.map(asProcessSees));
        expect((container.args ?? []).map(afterKubelet)).toEqual(f.args.map(asProcessSees));
        const env = new Map<string, unknown>((container.env ?? []).map((e: Doc) => [e.name, e.value === undefined ? e.valueFrom : afterKubelet(e.value)]));
        for (const [name, value] of Object.entries(f.env)) {
          if (name !== "SECRET_X") expect(env.get(name)).toBe(expectedEnv(value));
        }
        const secret = one(files, "/manifests/externalsecret.yaml");
        expect(secret.spec.data).toEqual([{ secretKey: "SECRET_X", remoteRef: { key: f.secretKey, property: f.secretProperty } }]);
        const claim = one(files, "/manifests/claim-db.yaml");
        expect(claim.spec.parameters).toEqual(f.params);
        const ingress = one(files, "/manifests/ingress.yaml");
        expect(ingress.spec.rules[0].host).toBe(f.host);
        expect(ingress.spec.rules[0].http.paths[0].path).toBe(f.path);
        const catalog = [...files].find(([path]) => path.startsWith("catalog/"))![1] as Doc[];
        expect(catalog.length).toBe(2);
        expect(catalog[0]!.metadata.description).toBe(f.description);
        // Nothing else appeared: the document count and kinds are fixed by the unit's shape.
        expect([...files.values()].flat().map((d) => (d as Doc).kind).sort()).toEqual(
          ["AppProject", "Application", "Component", "ConfigMap", "Deployment", "ExternalSecret", "HorizontalPodAutoscaler", "Ingress", "PodDisruptionBudget", "PostgreSQLInstance", "Resource", "Service"],
        );
      }),
      { numRuns: 300 },
    );
  });

  it("helm mode (values.yaml)", () => {
    fc.assert(
      fc.property(fields, (f) => {
        fc.pre(!Object.values(f.env).some(isDependencyPlaceholder));
        const values = one(render(unitOf(f), "helm"), "/values.yaml");
        expect((values.command ?? []).map(afterKubelet)).toEqual(f.command.map(asProcessSees));
        expect((values.args ?? []).map(afterKubelet)).toEqual(f.args.map(asProcessSees));
        const env = new Map<string, unknown>(values.env.map((e: Doc) => [e.name, e.value === undefined ? e.valueFrom : afterKubelet(e.value)]));
        for (const [name, value] of Object.entries(f.env)) {
          if (name !== "SECRET_X") expect(env.get(name)).toBe(expectedEnv(value));
        }
        expect(values.externalSecret.data).toEqual([{ secretKey: "SECRET_X", remoteRef: { key: f.secretKey, property: f.secretProperty } }]);
        expect(values.dependencies[0].parameters).toEqual(f.params);
        expect(values.ingress).toEqual({ host: f.host, path: f.path });
      }),
      { numRuns: 200 },
    );
  });

  it("yamlString round-trips any UTF-16 string and stays one line of printable ASCII", () => {
    fc.assert(
      fc.property(hostileString, fc.string({ unit: "binary" }), (a, b) => {
        for (const text of [a, b, a + b]) {
          const scalar = yamlString(text);
          expect(scalar).toMatch(/^"[\x20-\x7e]*"$/);
          expect(yaml.load(`k: ${scalar}`, { schema: yaml.CORE_SCHEMA })).toEqual({ k: text });
          expect(YAML.parse(`k: ${scalar}`)).toEqual({ k: text });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("concat joins encoded data and template literals into one scalar that parses back to the joined text", () => {
    fc.assert(
      fc.property(hostileString, fc.string({ unit: "binary" }), fc.stringMatching(/^[-a-z0-9 .:/]{0,5}$/), (a, b, literal) => {
        expect(decodeScalar(yamlString(a))).toBe(a);
        const joined = concat(yamlString(a), literal, yamlString(b), null, { hash: {} });
        expect(yaml.load(`k: ${joined}`, { schema: yaml.CORE_SCHEMA })).toEqual({ k: a + literal + b });
      }),
      { numRuns: 1000 },
    );
  });
});
