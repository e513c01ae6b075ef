/**
 * The ownership index's dedicated writer (src/plan/index-yaml.ts) writes exactly the bytes js-yaml's
 * `dump` wrote, which every GitOps repository already holds: a different byte would rewrite every
 * index on the next apply. Its reader (src/plan/index-yaml-read.ts) reads what js-yaml's `load`
 * reads, or declines. Checked on a real index and over generated ones with hostile strings, and
 * (the reader) on indexes mutated the way hand edits and corruption do.
 */
import fc from "fast-check";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { desiredState } from "../src/flows/pipeline.js";
import { dumpIndexYaml, INDEX_DUMP_OPTIONS, simpleYaml } from "../src/plan/index-yaml.js";
import { readIndexYaml } from "../src/plan/index-yaml-read.js";
import { formatIndex, parseIndex, withDeployed, type OwnershipIndex } from "../src/plan/ownership-index.js";
import { defaultTemplates } from "../src/render/index.js";
import { CONFIG_TEXT, sourceOf, teamManifest } from "../bench/fixtures.mjs";

const reference = (value: unknown): string => yaml.dump(value, INDEX_DUMP_OPTIONS);

/** The index document as formatIndex lays it out (the order of its keys is part of the bytes). */
function indexDocument(index: OwnershipIndex): object {
  const deployed = index.deployed && Object.keys(index.deployed).length > 0 ? { deployed: index.deployed } : {};
  return {
    apiVersion: "paved.dev/v1",
    kind: "SourceIndex",
    source: index.source,
    ...(index.commit ? { commit: index.commit } : {}),
    ...(index.id === undefined ? {} : { id: index.id }),
    units: index.units,
    catalog: index.catalog,
    ...deployed,
  };
}

const HOSTILE = [
  "", " ", "yes", "no", "No", "YES", "on", "OFF", "y", "N", "null", "Null", "~", "true", "False", "TRUE",
  "0", "1", "-1", "+1", "007", "0x1F", "0o17", "0b101", "1_000", "_1", "1.5", "1e3", ".5", "._", ".inf", "-.Inf", ".NaN", ".nan",
  "1:20", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "#", "#x", "a#b", "a #b", "a: b", "a:", "a:b", "a::",
  "key: value", " lead", "trail ", "'q'", "it's", '"dq"', 'say "hi"', "- x", "-x", "? x", "?x", ":x", "@at", "a@b", "`tick", "%p", "!t",
  "&a", "*a", "|p", ">f", "[a]", "{b}", "a,b", "a]", "é", "日本", "😀", "\u2028", "\u0085", "\u00a0", "\ufeff", "\t", "a\tb", "\u0000",
  "\u007f", "\ud800", "multi\nline", "\n", "line\n", "\n lead", "two\n\n", "a\r\nb", "x".repeat(1100), "sha256:52c551b5a504",
  "team-00/svc-000/stripe#api-key", ".paved/ingress/x.yaml", "/", "/a", "a/", "ghcr.io/acme/api:1.0.0@sha256:" + "0".repeat(64),
];

const text = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 6 }),
  fc.stringMatching(/^[a-zA-Z0-9.:/#@_ '"-]{1,16}$/),
  fc.stringMatching(/^[a-z][a-z0-9.\/-]{0,30}$/),
);
const names = fc.dictionary(text, text, { maxKeys: 4 });
const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const integer = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER));

const state = fc.record(
  {
    image: text,
    replicas: integer,
    autoscaling: fc.record({ min: integer, max: integer, cpu: integer }),
    cpu: text,
    memory: text,
    port: integer,
    host: text,
    path: text,
    env: names,
    secrets: names,
    dependencies: names,
  },
  { requiredKeys: ["image", "replicas", "cpu", "memory", "env", "secrets", "dependencies"] },
);

const unit = fc.record(
  { environment: text, namespace: text, service: text, files: fc.array(text, { maxLength: 4 }), state },
  { requiredKeys: ["environment", "namespace", "service", "files"] },
);

const deployment = fc.record({
  commit: sha,
  action: fc.constantFrom("merge", "promote", "rollback"),
  held: fc.boolean(),
  previous: fc.array(sha, { maxLength: 3 }),
});

const index: fc.Arbitrary<OwnershipIndex> = fc.record(
  {
    source: text,
    commit: sha,
    id: fc.oneof(fc.stringMatching(/^[1-9][0-9]{0,9}$/), text),
    units: fc.array(unit, { maxLength: 4 }),
    catalog: fc.array(text, { maxLength: 3 }),
    deployed: fc.dictionary(text, deployment, { maxKeys: 3 }),
  },
  { requiredKeys: ["source", "units", "catalog"] },
) as fc.Arbitrary<OwnershipIndex>;

describe("the ownership index's writer", () => {
  it("writes a real 100-service index itself, byte for byte as js-yaml", () => {
    const { config } = loadConfig(CONFIG_TEXT, "paved.yml");
    const desired = desiredState(teamManifest(0, 100, { changed: 3 }), "platform.yaml", config!, sourceOf(0), defaultTemplates());
    expect(desired.index).not.toBeNull();
    const content = desired.index!.content;
    const body = content.slice(content.indexOf("\napiVersion:") + 1);
    // The document as written (js-yaml keeps the order of keys), dumped again by js-yaml and by the writer alone.
    const document = yaml.load(body);
    expect(reference(document)).toBe(body);
    expect(simpleYaml(document)).toBe(body);
    expect(parseIndex(content).units).toHaveLength(300);
  });

  it("equals js-yaml's dump on generated indexes, hostile strings included", () => {
    fc.assert(
      fc.property(index, (generated) => {
        const document = indexDocument(generated);
        expect(dumpIndexYaml(document)).toBe(reference(document));
        const header =
          `# Files in this repository owned by ${generated.source}${generated.id === undefined ? "" : ` (repository id ${generated.id})`}, written by Paved on every apply.\n` +
          "# Paved deletes only files listed here; do not edit by hand.\n";
        expect(formatIndex(generated)).toBe(header + reference(document));
        const deployed = generated.deployed && Object.keys(generated.deployed).length > 0 ? generated.deployed : undefined;
        expect(withDeployed("x: 1\n", deployed)).toBe(deployed ? "x: 1\n" + reference({ deployed }) : "x: 1\n");
      }),
      { numRuns: 2000 },
    );
  });

  it("writes single-line hostile strings itself, and agrees with js-yaml on each", () => {
    fc.assert(
      fc.property(text, text, (key, value) => {
        const document = { [key]: [value, { [value]: key }], list: [[value], {}], empty: [] };
        const simple = simpleYaml(document);
        if (!`${key}${value}`.includes("\n") && key.length <= 1024 && value.length <= 1024) expect(simple).toBeDefined();
        expect(dumpIndexYaml(document)).toBe(reference(document));
      }),
      { numRuns: 3000 },
    );
  });

  it("leaves what is not of its shape to js-yaml", () => {
    for (const odd of [{ a: 1.5 }, { a: -0 }, { a: null }, { a: undefined, b: 1 }, { a: [undefined] }, { a: "x\ny" }, { ["k".repeat(1025)]: 1 }, { a: NaN }, { a: new Date(0) }]) {
      expect(simpleYaml(odd)).toBeUndefined();
      expect(dumpIndexYaml(odd)).toBe(reference(odd));
    }
  });
});

/** Edits a hand (or a bad merge, or a truncation) makes to an index. */
const LINE_EDITS = ["", "#", "# c", "---", "...", "x", "x:", "x: y", "  x: y", "- x", "  - x", "    - a: b", "key: value # c", "a: [b]", "a: {b: c}", "a: &x b", "a: *x", "a: !!str 1", "a: |", "  b", "a: null", "a: ~", "a: 2001-12-14", "a: 1.5", "a: 0x1F", "a: 1_000", "a: 12345678901234567890", "a: -0", "a: 'q'", 'a: "q', 'a: "\\x41"', "a: yes", "a:b", "a: b: c", "\ufeffa: b", "a : b", "a:  b", "a: b ", "-", "- ", "-x"];
const edit = fc.record({ line: fc.nat(), kind: fc.constantFrom("replace", "insert", "delete", "indent", "outdent", "append", "split"), text: fc.constantFrom(...LINE_EDITS) });

function mutate(text: string, edits: Array<{ line: number; kind: string; text: string }>): string {
  const lines = text.slice(0, -1).split("\n");
  for (const e of edits) {
    const i = e.line % lines.length;
    const line = lines[i]!;
    if (e.kind === "replace") lines[i] = e.text;
    else if (e.kind === "insert") lines.splice(i, 0, e.text);
    else if (e.kind === "delete") lines.splice(i, 1);
    else if (e.kind === "indent") lines[i] = (i % 2 ? " " : "  ") + line;
    else if (e.kind === "outdent") lines[i] = line.replace(/^ {1,2}/, "");
    else if (e.kind === "append") lines[i] = line + e.text;
    else lines.splice(i, 1, line.slice(0, line.length >> 1), line.slice(line.length >> 1));
    if (lines.length === 0) lines.push("");
  }
  return lines.join("\n") + "\n";
}

describe("the ownership index's reader", () => {
  it("reads a real 100-service index itself, as js-yaml reads it", () => {
    const { config } = loadConfig(CONFIG_TEXT, "paved.yml");
    const desired = desiredState(teamManifest(0, 100, { changed: 3 }), "platform.yaml", config!, sourceOf(0), defaultTemplates());
    const content = desired.index!.content;
    const read = readIndexYaml(content);
    expect(read).toBeDefined();
    expect(read).toStrictEqual(yaml.load(content));
  });

  it("reads generated indexes, hostile strings included, as js-yaml does (or declines)", () => {
    let read = 0;
    fc.assert(
      fc.property(index, (generated) => {
        // The header comment names the source and id (a repository name and a number, never a line break).
        fc.pre(!/[\n\r]/.test(`${generated.source}${generated.id ?? ""}`));
        const content = formatIndex(generated);
        const mine = readIndexYaml(content);
        if (mine === undefined) return; // a multi-line or quoted key, say: js-yaml reads it
        read++;
        expect(mine).toStrictEqual(yaml.load(content));
      }),
      { numRuns: 2000 },
    );
    expect(read).toBeGreaterThan(10); // most generated indexes hold a string only js-yaml reads
  });

  it("never reads an edited or corrupted index differently from js-yaml", () => {
    const { config } = loadConfig(CONFIG_TEXT, "paved.yml");
    const base = desiredState(teamManifest(0, 4, { changed: 1 }), "platform.yaml", config!, sourceOf(0), defaultTemplates()).index!.content;
    const withDeployed = base + "deployed:\n  production:\n    commit: " + "a".repeat(40) + "\n    action: merge\n    held: false\n    previous: []\n";
    let read = 0;
    fc.assert(
      fc.property(fc.constantFrom(base, withDeployed), fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        const mutated = mutate(text, edits);
        const mine = readIndexYaml(mutated);
        if (mine === undefined) return;
        read++;
        expect(mine).toStrictEqual(yaml.load(mutated));
      }),
      { numRuns: 3000 },
    );
    expect(read).toBeGreaterThan(100);
  });
});
