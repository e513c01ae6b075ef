/**
 * Hostile input, for manifests (written by any developer) and org configs (by the platform team):
 * a hand-written corpus (corpus/*.yaml: injection, traversal in every field that reaches a path or
 * a name, language tags, anchors and merge keys, prototype pollution), generated resource
 * exhaustion (20k nesting, 2 MiB, 100k keys, billion laughs) and fast-check fuzzing.
 *
 * For every input: no throw from checkManifest / loadConfig / desiredState; every diagnostic is
 * located (line ≥ 1, column ≥ 1, a code, a message) and a rejection has at least one error; every
 * rendered path stays under the GitOps directory in safe segments and in its expected place; every
 * rendered file parses back (js-yaml) to exactly the documents and kinds expected for that file;
 * Object.prototype is untouched.
 */
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import yaml from "js-yaml";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import type { ResolvedConfig } from "../../src/config/types.js";
import { hasErrors, type Diagnostic } from "../../src/core/diagnostic.js";
import { desiredFiles } from "../../src/plan/desired.js";
import { desiredState } from "../../src/flows/pipeline.js";
import { defaultTemplates } from "../../src/render/index.js";
import { EXAMPLE_CONFIG, EXAMPLE_MANIFEST } from "../support/app-world.js";
import { MAX_INDEX_BYTES, MAX_MANIFEST_BYTES, MAX_RENDERED_BYTES } from "../../src/core/bounds.js";
import { aliasBomb, bigDeployment, filler, manyEnvNames, trailingSpaceManifest, TRAILING_SPACE_POLICY, withPolicy } from "./support/hostile-inputs.mjs";

const CORPUS = new URL("./corpus/", import.meta.url);
const SOURCE = { repository: "acme/payments", sha: "0123456789abcdef0123456789abcdef01234567", pullRequest: 7 };
const TEMPLATES = defaultTemplates();
const FUZZ_RUNS = 250;

function load(text: string): ResolvedConfig {
  const loaded = loadConfig(text, ".github/paved.yml");
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
}
const MANIFESTS_CONFIG = load(EXAMPLE_CONFIG);
const HELM_CONFIG = load(EXAMPLE_CONFIG.replace("mode: manifests", "mode: helm").replace('directory: ""', "directory: clusters/apps"));
const CONFIGS = [MANIFESTS_CONFIG, HELM_CONFIG];

// ---- what every outcome must satisfy ---------------------------------------------------------

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
function expectPrototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.toString.call({})).toBe("[object Object]");
}

function expectLocated(diagnostics: readonly Diagnostic[], what: string): void {
  for (const d of diagnostics) {
    const where = `${what}: ${JSON.stringify(d)}`;
    expect(Number.isInteger(d.line) && d.line >= 1, where).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1, where).toBe(true);
    expect(typeof d.code === "string" && d.code.length > 0, where).toBe(true);
    expect(typeof d.message === "string" && d.message.trim().length > 0, where).toBe(true);
    expect(typeof d.file === "string" && d.file.length > 0, where).toBe(true);
  }
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const OBJECT_FILES: Record<string, string> = {
  "deployment.yaml": "Deployment",
  "service.yaml": "Service",
  "ingress.yaml": "Ingress",
  "hpa.yaml": "HorizontalPodAutoscaler",
  "pdb.yaml": "PodDisruptionBudget",
  "externalsecret.yaml": "ExternalSecret",
};

type Expected = { kinds: string[]; more?: string } | "claim" | "values" | null;

/** What a file at `rest` (its path below the GitOps directory) may hold: kinds in order, a claim, or Helm values. */
function expectedKinds(rest: string[]): Expected {
  if (rest[0] === "projects" && rest.length === 2) return { kinds: ["AppProject"] };
  if (rest[0] === "argocd" && rest.length === 2 && rest[1] === "argocd-notifications-cm.yaml") return { kinds: ["ConfigMap"] };
  if (rest[0] === "catalog" && rest.length === 3) return { kinds: ["Component"], more: "Resource" };
  if (rest[0] === ".paved" && rest[1] === "sources" && rest.length === 4) return { kinds: ["SourceIndex"] };
  if (rest[0] === ".paved" && rest[1] === "ingress" && rest.length === 5) return { kinds: ["IngressClaim"] };
  if (rest.length === 4 && rest[3] === "application.yaml") return { kinds: ["Application"] };
  if (rest.length === 4 && rest[3] === "values.yaml") return "values";
  if (rest.length === 5 && rest[3] === "manifests") {
    const file = rest[4]!;
    if (OBJECT_FILES[file]) return { kinds: [OBJECT_FILES[file]!] };
    if (/^claim-[a-z0-9-]+\.yaml$/.test(file)) return "claim";
  }
  return null;
}

/** Every rendered file: a safe path in its expected place, parsing back to exactly its expected documents. */
function expectSafeOutput(files: ReadonlyMap<string, string>, config: ResolvedConfig, what: string): void {
  const root = config.gitops.directory.split("/").filter((s) => s !== "");
  const claimKinds = new Set(Object.values(config.dependencies).map((d) => d.kind));
  for (const [path, content] of files) {
    const where = `${what}: ${JSON.stringify(path)}`;
    const segments = path.split("/");
    expect(segments.slice(0, root.length), where).toEqual(root);
    const rest = segments.slice(root.length);
    for (const [i, segment] of rest.entries()) {
      const indexDir = i === 0 && segment === ".paved";
      expect(indexDir || (SEGMENT.test(segment) && !segment.includes("..")), `${where}: segment ${JSON.stringify(segment)}`).toBe(true);
    }
    const expected = expectedKinds(rest);
    expect(expected, `${where}: not a place Paved renders to`).not.toBeNull();
    const documents = yaml.loadAll(content, undefined, { schema: yaml.CORE_SCHEMA }).filter((d) => d !== null && d !== undefined);
    if (expected === "values") {
      expect(documents.length, where).toBe(1);
      expect(typeof documents[0] === "object" && !Array.isArray(documents[0]), where).toBe(true);
      continue;
    }
    const kinds = documents.map((d) => (d as { kind?: unknown }).kind);
    if (expected === "claim") {
      expect(kinds.length, where).toBe(1);
      expect(claimKinds.has(String(kinds[0])), `${where}: claim kind ${String(kinds[0])}`).toBe(true);
      continue;
    }
    const { kinds: first, more } = expected!;
    expect(kinds.slice(0, first.length), where).toEqual(first);
    for (const extra of kinds.slice(first.length)) expect(extra, `${where}: an extra document`).toBe(more);
  }
}

/** The whole pipeline on one manifest text: never throws, diagnostics located, output safe. */
function examineManifest(text: string, config: ResolvedConfig, what: string): { rejected: boolean; codes: string[] } {
  let desired: ReturnType<typeof desiredState> | undefined;
  try {
    desired = desiredState(text, "platform.yaml", config, SOURCE, TEMPLATES); // checkManifest, then render
  } catch (error) {
    throw new Error(`${what}: the pipeline threw: ${(error as Error)?.stack ?? String(error)}`);
  }
  const diagnostics = [...desired.check.diagnostics, ...desired.rendered.diagnostics];
  expectLocated(diagnostics, what);
  const files = desiredFiles(desired.rendered, desired.index);
  expectSafeOutput(files, config, what);
  expectPrototypeUntouched();
  const rejected = hasErrors(diagnostics);
  return { rejected, codes: diagnostics.map((d) => d.code) };
}

/** loadConfig on one text: never throws, diagnostics located; a config that loads renders safely. */
function examineConfig(text: string, what: string, manifests: string[] = [EXAMPLE_MANIFEST]): { rejected: boolean } {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(text, ".github/paved.yml");
  } catch (error) {
    throw new Error(`${what}: loadConfig threw: ${(error as Error)?.stack ?? String(error)}`);
  }
  expectLocated(loaded.diagnostics, what);
  expectPrototypeUntouched();
  if (!loaded.config) {
    expect(hasErrors(loaded.diagnostics), `${what}: no config and no error`).toBe(true);
    return { rejected: true };
  }
  for (const manifest of manifests) examineManifest(manifest, loaded.config, `${what} + manifest`);
  return { rejected: false };
}

// ---- the corpus -------------------------------------------------------------------------------

const corpus = readdirSync(CORPUS)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((name) => ({ name, text: readFileSync(new URL(name, CORPUS), "utf8") }));
const manifestCorpus = corpus.filter((c) => c.name.startsWith("manifest-"));
const configCorpus = corpus.filter((c) => c.name.startsWith("config-"));

/** Manifests that must render (the hostile text is in free-text fields): the renderer is what they test. */
const MUST_RENDER = ["manifest-template-injection.yaml", "manifest-document-injection.yaml", "manifest-anchors-valid.yaml"];
/** Manifests that must be refused outright (nothing rendered), by the code that must say why. */
const MUST_REJECT: Record<string, string[]> = {
  "manifest-second-document.yaml": ["multiple-documents"],
  "manifest-language-tags.yaml": ["unsupported-tag"],
  "manifest-billion-laughs.yaml": ["alias-limit"],
  "manifest-traversal-service.yaml": [],
  "manifest-traversal-owner.yaml": [],
  "manifest-traversal-environment.yaml": [],
  "manifest-traversal-dependency.yaml": [],
  "manifest-traversal-fields.yaml": [],
  "manifest-prototype-pollution.yaml": [],
  "manifest-odd-keys.yaml": ["duplicate-key"],
  "manifest-anchors-merge-keys.yaml": ["merge-key"],
};

describe("the hand-written corpus", () => {
  it("has manifests and configs", () => {
    expect(manifestCorpus.length).toBeGreaterThanOrEqual(10);
    expect(configCorpus.length).toBeGreaterThanOrEqual(5);
  });

  for (const { name, text } of manifestCorpus) {
    it(`manifest ${name}: no crash, located diagnostics, safe output`, () => {
      for (const config of CONFIGS) {
        const { rejected, codes } = examineManifest(text, config, name);
        if (MUST_RENDER.includes(name)) expect(rejected, `${name} must render: ${JSON.stringify(codes)}`).toBe(false);
        if (name in MUST_REJECT) {
          expect(rejected, `${name} must be refused`).toBe(true);
          for (const code of MUST_REJECT[name]!) expect(codes, name).toContain(code);
        }
      }
    });
  }

  it("keeps injected text as text: one document of the expected kind per file, the text intact", () => {
    const text = readFileSync(new URL("manifest-document-injection.yaml", CORPUS), "utf8");
    const desired = desiredState(text, "platform.yaml", MANIFESTS_CONFIG, SOURCE, TEMPLATES);
    expect(hasErrors(desired.check.diagnostics)).toBe(false);
    const deployment = desired.rendered.files.get("staging/payments-staging/api/manifests/deployment.yaml")!;
    const [doc, ...more] = yaml.loadAll(deployment) as Array<{ kind: string; spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } }>;
    expect(more).toEqual([]);
    const env = doc!.spec.template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === "INJECT")!.value).toBe("x\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: pwned\n");
    expect([...desired.rendered.files.values()].join("\n")).not.toMatch(/^kind: ClusterRoleBinding/m);

    const handlebars = readFileSync(new URL("manifest-template-injection.yaml", CORPUS), "utf8");
    const rendered = desiredState(handlebars, "platform.yaml", MANIFESTS_CONFIG, SOURCE, TEMPLATES);
    expect(hasErrors(rendered.check.diagnostics)).toBe(false);
    const catalog = yaml.loadAll(rendered.rendered.files.get("catalog/payments/api.yaml")!) as Array<{ kind: string; metadata: { description?: string } }>;
    expect(catalog[0]!.metadata.description).toBe("{{constructor.constructor('return process')()}} {{{raw}}} {{> partial}} }}{{");
  });

  for (const { name, text } of configCorpus) {
    it(`config ${name}: no crash, located diagnostics, a config that loads renders safely`, () => {
      examineConfig(text, name, [EXAMPLE_MANIFEST, ...manifestCorpus.map((m) => m.text)]);
    });
  }
});

// ---- resource exhaustion ----------------------------------------------------------------------

const HEADER = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/payments-api:1.4.2\n";
const EXHAUSTION: Array<{ name: string; text: () => string; code: string }> = [
  { name: "20k nested flow sequences", text: () => `${HEADER}    args: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`, code: "too-deep" },
  { name: "20k nested flow mappings", text: () => `${HEADER}    env: ${"{a: ".repeat(20_000)}1${"}".repeat(20_000)}\n`, code: "too-deep" },
  { name: "20k nested compact block sequences", text: () => `${HEADER}    args:\n      ${"- ".repeat(20_000)}x\n`, code: "too-deep" },
  { name: "1000 nested block mappings", text: () => `${HEADER}    env:\n${Array.from({ length: 1000 }, (_, i) => `${" ".repeat(6 + i)}k${i}:`).join("\n")} x\n`, code: "too-deep" },
  { name: "2 MiB", text: () => `${HEADER}    description: "${"a".repeat(2 * 1024 * 1024)}"\n`, code: "file-too-large" },
  { name: "100k keys", text: () => `${HEADER}x-keys: {${Array.from({ length: 100_000 }, (_, i) => `k${i}: 0`).join(", ")}}\n`, code: "" },
  // Valid and rendered: the cost grows linearly (see docs/reliability.md for the 1 MiB worst case).
  { name: "20k environment variables", text: () => `${HEADER}    env: {${Array.from({ length: 20_000 }, (_, i) => `E${i}: 0`).join(",")}}\n`, code: "" },
  { name: "20k arguments", text: () => `${HEADER}    args: [${"a,".repeat(20_000)}a]\n`, code: "" },
  { name: "10k aliases of one anchor", text: () => `${HEADER}    command: &c [x]\n    args: [${Array.from({ length: 10_000 }, () => "*c").join(",")}]\n`, code: "alias-limit" },
  { name: "a 900 kB line", text: () => `${HEADER}    description: ${"b".repeat(900_000)}\n`, code: "" },
];

describe("resource exhaustion", () => {
  for (const { name, text, code } of EXHAUSTION) {
    it(`${name}: refused or handled, with a located diagnostic`, () => {
      const input = text();
      const { rejected, codes } = examineManifest(input, MANIFESTS_CONFIG, name);
      if (code) {
        expect(rejected, name).toBe(true);
        expect(codes, name).toContain(code);
      }
      // The same input as an org config.
      const asConfig = input.replace(HEADER, "gitops: { repository: acme/gitops }\n");
      examineConfig(asConfig, `${name} (config)`);
    });
  }
});

// ---- fuzzing ----------------------------------------------------------------------------------

const PIECES = [
  "\n", "\n  ", "\n    ", "\n---\n", "\n...\n", ": ", ":", "- ", "? ", "#", "{", "}", "[", "]", ",", "&a ", "*a", "<<: ", "!!js/function ",
  "!!python/object ", "!!binary ", "!<tag:x>", "%YAML 1.1\n", "|\n", ">-\n", '"', "'", "\\", "\t", "{{", "}}", "${", "$${", "../", "..", "/",
  "__proto__", "constructor", "prototype", "kind: ClusterRoleBinding", "apiVersion: paved.dev/v1\n", "owner: payments\n", "services:\n",
  "  api:\n", "    image: ghcr.io/acme/a:1\n", "    port: 8080\n", "environments:\n", "null", "~", "true", "0x1F", ".inf", "\u0000", "\u2028", "\ufeff", "é",
];
const yamlish = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 40 }).map((parts) => parts.join(""));
const exampleLines = EXAMPLE_MANIFEST.split("\n");
/** The example manifest with a few lines dropped, duplicated or spliced with YAML-ish text. */
const mutatedExample = fc
  .array(fc.tuple(fc.nat({ max: exampleLines.length - 1 }), fc.constantFrom("drop", "dup", "splice"), yamlish), { minLength: 1, maxLength: 4 })
  .map((edits) => {
    const lines = [...exampleLines];
    for (const [at, op, text] of edits) {
      if (op === "drop") lines.splice(at, 1);
      else if (op === "dup") lines.splice(at, 0, lines[at] ?? "");
      else lines[at] = (lines[at] ?? "").slice(0, Math.floor((lines[at]?.length ?? 0) / 2)) + text;
    }
    return lines.join("\n");
  });

const hostileString = fc.oneof(
  fc.constantFrom("../../etc", "..", ".", "/", "a/b", "{{x}}", "}}", "x\n---\nkind: ClusterRoleBinding", "__proto__", "constructor", "prototype", "<<", "*a", "!!js/function", "", " ", "\u202e", "аpi"),
  fc.string({ maxLength: 12 }),
);
const hostileKey = fc.oneof(hostileString, fc.constantFrom("api", "worker", "staging", "production", "db", "LOG_LEVEL", "image", "replicas"));
/** Any JSON value, with hostile strings and keys (own `__proto__` keys included). */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 3 }).map(objectOf),
  ),
})).value;

function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Every path (as keys) in a JSON value, to aim a replacement at. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  const here = [prefix];
  if (value === null || typeof value !== "object") return here;
  return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
}

/** A deep copy of `base` with `value` at `path`, or under a new key `extra` of the object there. */
function placed(base: unknown, path: string[], extra: string | null, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  if (path.length === 0 && extra === null) return value;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, extra === null ? -1 : undefined)) {
    const next = node[key];
    if (next === null || typeof next !== "object") return copy;
    node = next as Record<string, unknown>;
  }
  const key = extra ?? path[path.length - 1]!;
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

function placedInto(base: unknown) {
  const paths = pathsOf(base);
  return fc
    .tuple(fc.constantFrom(...paths), fc.option(hostileKey, { nil: null }), hostileJson, fc.constantFrom("yaml", "json"))
    .map(([path, extra, value, format]) => {
      const document = placed(base, path, extra, value);
      return format === "json" ? JSON.stringify(document) : YAML.stringify(document);
    });
}

const exampleObject = YAML.parse(EXAMPLE_MANIFEST) as unknown;
const configObject = YAML.parse(EXAMPLE_CONFIG) as unknown;
const FC = { numRuns: FUZZ_RUNS, interruptAfterTimeLimit: 15_000, markInterruptAsFailure: false } as const;

describe("fuzzing (fast-check)", () => {
  it("YAML-ish text as a manifest and as an org config", () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, mutatedExample), fc.constantFrom(...CONFIGS), (text, config) => {
        examineManifest(text, config, `text ${JSON.stringify(text)}`);
        examineConfig(text, `config text ${JSON.stringify(text)}`, []);
      }),
      FC,
    );
  });

  it("arbitrary JSON values placed into the example manifest", () => {
    let rendered = 0;
    fc.assert(
      fc.property(placedInto(exampleObject), fc.constantFrom(...CONFIGS), (text, config) => {
        if (!examineManifest(text, config, `manifest ${JSON.stringify(text)}`).rejected) rendered++;
      }),
      FC,
    );
    // Most placements break the schema, but not all: the renderer sees some of them.
    expect(rendered).toBeGreaterThan(0);
  });

  it("arbitrary JSON values placed into the example org config, then the example rendered with it", () => {
    let loaded = 0;
    fc.assert(
      fc.property(placedInto(configObject), (text) => {
        if (!examineConfig(text, `config ${JSON.stringify(text)}`).rejected) loaded++;
      }),
      FC,
    );
    expect(loaded).toBeGreaterThan(0);
  });
});

// ---- size bounds (issue #14: no source can starve the others) ------------------------------------

describe("size bounds: each is a located error, and the largest input under it still renders", () => {
  const errorsOf = (desired: ReturnType<typeof desiredState>) =>
    [...desired.check.diagnostics, ...desired.rendered.diagnostics].filter((d) => d.severity === "error");
  const plan = (text: string, config = MANIFESTS_CONFIG) => desiredState(text, "platform.yaml", config, SOURCE, TEMPLATES);
  const bytesOf = (files: ReadonlyMap<string, string>) => [...files.values()].reduce((n, c) => n + Buffer.byteLength(c), 0);

  it("the alias bomb of the issue (a 936 kB file that rendered 186 MB) is refused at the alias that crosses 4 MiB", () => {
    const text = aliasBomb();
    expect(text.length).toBeLessThan(MAX_MANIFEST_BYTES);
    const desired = plan(text);
    const [error, ...more] = errorsOf(desired);
    expect(more).toEqual([]);
    // s0 holds the anchor (~928 kB); s1..s3 alias it and stay under; s4's `env: *env` crosses.
    const line = text.split("\n").findIndex((l) => l === "  s4:") + 4;
    expect(`${error!.code}@${error!.line}:${error!.column} ${error!.path}`).toBe(`expanded-too-large@${line}:10 /services/s4/env`);
    expect(error!.message).toContain("over 4 MiB (this alias crosses it)");
    expect(desired.rendered.files.size).toBe(0);
    expect(desired.index).toBeNull();
  });

  it("the largest alias manifest under the expanded bound renders in full (3.7 MB expanded, 7.5 MB of files)", () => {
    const desired = plan(aliasBomb({ services: 3 }));
    expect(errorsOf(desired)).toEqual([]);
    expect(desired.rendered.files.get("production/payments/s3/manifests/deployment.yaml")).toContain(filler(32_000));
    expect(bytesOf(desired.rendered.files)).toBeGreaterThan(7_000_000);
    expect(desired.index).not.toBeNull();
  });

  it("a rendered file over 1 MiB is refused at its service, naming the file; nothing of the source is indexed", () => {
    const text = bigDeployment();
    const desired = plan(text);
    const errors = errorsOf(desired);
    expect(errors.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual(["render-file-too-large@4:3", "render-file-too-large@4:3"]);
    expect(errors.map((d) => d.message.split(" would be ")[0])).toEqual([
      "staging/payments-staging/s0/manifests/deployment.yaml",
      "production/payments/s0/manifests/deployment.yaml",
    ]);
    expect(errors[0]!.message).toContain(`over the limit of 1 MiB for one rendered file`);
    expect(desired.index).toBeNull();
    expect(errorsOf(plan(bigDeployment({ entries: 19 })))).toEqual([]); // 1.02 MB: just under
  });

  it("rendered files over 16 MiB in all are refused once, rendering stops, nothing is indexed", () => {
    // Five environments render the 3.7 MB expanded manifest five times over.
    const extra = ["qa", "perf", "canary"].map((env) => `  ${env}:\n    cluster: https://${env}.k8s.acme.io\n    namespace: "{owner}-${env}"\n`).join("");
    const fiveEnvironments = load(EXAMPLE_CONFIG.replace(/^environments:.*\n/m, (line) => line + extra));
    expect(fiveEnvironments.environments).toHaveLength(5);
    const desired = plan(aliasBomb({ services: 3 }), fiveEnvironments);
    const errors = errorsOf(desired);
    expect(errors.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual([expect.stringMatching(/^render-too-large@\d+:3$/)]);
    expect(errors[0]!.message).toMatch(/^the rendered files of this manifest would be over 16 MiB in all \(crossed at [a-z0-9/.-]+\); nothing is written/);
    expect(bytesOf(desired.rendered.files)).toBeLessThanOrEqual(MAX_RENDERED_BYTES);
    expect(desired.index).toBeNull();
    expect(errorsOf(plan(aliasBomb({ services: 1 }), fiveEnvironments))).toEqual([]);
  });

  it("an ownership index over 8 MiB is refused at `services`; 70 services of the same shape are indexed", () => {
    const desired = plan(manyEnvNames());
    const errors = errorsOf(desired);
    expect(errors.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual(["index-too-large@3:1"]);
    expect(errors[0]!.message).toMatch(/^the ownership index of this source \(\.paved\/sources\/acme\/payments\.yaml\) would be \d+ bytes, over the limit of 8 MiB/);
    expect(desired.index).toBeNull();
    const under = plan(manyEnvNames({ services: 70 }));
    expect(errorsOf(under)).toEqual([]);
    expect(Buffer.byteLength(under.index!.content)).toBeGreaterThan(6_000_000);
    expect(Buffer.byteLength(under.index!.content)).toBeLessThanOrEqual(MAX_INDEX_BYTES);
  });
});

describe("untrusted patterns (issue #14): the policy of the issue runs on RE2", () => {
  it("`\\s+$` over four 32k-space env values (14.6 s on the event loop before) judges every value", () => {
    const config = load(withPolicy(EXAMPLE_CONFIG, TRAILING_SPACE_POLICY));
    const desired = desiredState(trailingSpaceManifest(), "platform.yaml", config, SOURCE, TEMPLATES);
    const findings = desired.check.diagnostics.filter((d) => d.code === "no-trailing-space");
    expect(findings).toEqual([]); // no value ends in a space: each ends in "x"
    const trailing = desiredState(trailingSpaceManifest().replace(/x"$/gm, ' "'), "platform.yaml", config, SOURCE, TEMPLATES);
    expect(trailing.check.diagnostics.filter((d) => d.code === "no-trailing-space").map((d) => `${d.line}:${d.column} ${d.path}`)).toEqual([
      "8:11 /services/api/env/E0",
      "9:11 /services/api/env/E1",
      "10:11 /services/api/env/E2",
      "11:11 /services/api/env/E3",
    ]);
  });
});
