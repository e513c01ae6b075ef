import fc from "fast-check";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { pointer } from "../src/core/pointer.js";
import { MAX_EXPANDED_BYTES } from "../src/core/bounds.js";
import { DEFAULT_LIMITS, parseYaml, type ParseResult } from "../src/document/parse.js";

const parse = (text: string, limits = {}): ParseResult => parseYaml(text, "platform.yaml", limits);

/** The only diagnostic of a result, as code@line:column (and its path), for compact assertions. */
function only(result: ParseResult): { where: string; path: string; message: string } {
  expect(result.diagnostics).toHaveLength(1);
  const d = result.diagnostics[0]!;
  expect(d.severity).toBe("error");
  expect(d.file).toBe("platform.yaml");
  return { where: `${d.code}@${d.line}:${d.column}`, path: d.path, message: d.message };
}

describe("values and source map", () => {
  const lines = [
    "apiVersion: paved.dev/v1", // 1
    "owner: payments", // 2
    "services:", // 3
    "  api:", // 4
    '    image: "ghcr.io/acme/api:1.0"', // 5
    "    port: 8080", // 6
    '    command: [node, "server.js"]', // 7
    "    env: { LOG_LEVEL: info, WORKERS: 3 }", // 8
    "    args:", // 9
    "      - --verbose", // 10
    "      - name: x", // 11
    "        value: y", // 12
    "    description: |", // 13
    "      multi", // 14
    "      line", // 15
    '    note: "first', // 16
    '      second"', // 17
    "    empty:", // 18
    "  worker: {image: w, flags: [a, b]}", // 19
  ];
  const text = lines.join("\n") + "\n";
  /** 1-based position of the first `needle` on a 1-based line. */
  const at = (line: number, needle: string) => {
    const column = lines[line - 1]!.indexOf(needle) + 1;
    expect(column).toBeGreaterThan(0);
    return { line, column };
  };
  const { value, sourceMap, diagnostics } = parse(text);

  it("returns plain JSON data with core-schema scalars", () => {
    expect(diagnostics).toEqual([]);
    expect(value).toEqual({
      apiVersion: "paved.dev/v1",
      owner: "payments",
      services: {
        api: {
          image: "ghcr.io/acme/api:1.0",
          port: 8080,
          command: ["node", "server.js"],
          env: { LOG_LEVEL: "info", WORKERS: 3 },
          args: ["--verbose", { name: "x", value: "y" }],
          description: "multi\nline\n",
          note: "first second",
          empty: null,
        },
        worker: { image: "w", flags: ["a", "b"] },
      },
    });
  });

  it("records key and value positions of block entries", () => {
    expect(sourceMap.key("/apiVersion")).toEqual(at(1, "apiVersion"));
    expect(sourceMap.value("/apiVersion")).toEqual(at(1, "paved"));
    expect(sourceMap.key("/services")).toEqual(at(3, "services"));
    expect(sourceMap.value("/services")).toEqual(at(4, "api")); // a block map starts at its first key
    expect(sourceMap.key("/services/api")).toEqual(at(4, "api"));
    expect(sourceMap.key("/services/api/port")).toEqual(at(6, "port"));
    expect(sourceMap.value("/services/api/port")).toEqual(at(6, "8080"));
    expect(sourceMap.value("/services/api/image")).toEqual(at(5, '"'));
  });

  it("records flow collections, array items and nested maps in arrays", () => {
    expect(sourceMap.value("/services/api/command")).toEqual(at(7, "["));
    expect(sourceMap.value("/services/api/command/0")).toEqual(at(7, "node"));
    expect(sourceMap.value("/services/api/command/1")).toEqual(at(7, '"server'));
    expect(sourceMap.key("/services/api/command/1")).toBeUndefined();
    expect(sourceMap.key("/services/api/env/WORKERS")).toEqual(at(8, "WORKERS"));
    expect(sourceMap.value("/services/api/env/WORKERS")).toEqual(at(8, "3"));
    expect(sourceMap.value("/services/api/args/0")).toEqual(at(10, "--verbose"));
    expect(sourceMap.value("/services/api/args/1")).toEqual(at(11, "name"));
    expect(sourceMap.key("/services/api/args/1/value")).toEqual(at(12, "value"));
    expect(sourceMap.value("/services/worker/flags/1")).toEqual(at(19, "b]"));
  });

  it("records multi-line strings at their start and empty values next to their key", () => {
    expect(sourceMap.value("/services/api/description")).toEqual(at(13, "|"));
    expect(sourceMap.value("/services/api/note")).toEqual(at(16, '"'));
    expect(sourceMap.key("/services/api/empty")).toEqual(at(18, "empty"));
    expect(sourceMap.value("/services/api/empty")?.line).toBe(18);
  });

  it("has the root at 1:1 and no key for it", () => {
    expect(sourceMap.value("")).toEqual({ line: 1, column: 1 });
    expect(sourceMap.key("")).toBeUndefined();
    expect(sourceMap.locate("")).toEqual({ line: 1, column: 1 });
  });

  it("locate() prefers the key, and falls back to the nearest existing ancestor", () => {
    expect(sourceMap.locate("/services/api/port")).toEqual(at(6, "port"));
    expect(sourceMap.locate("/services/api/args/0")).toEqual(at(10, "--verbose"));
    expect(sourceMap.locate("/services/api/replicas")).toEqual(at(4, "api"));
    expect(sourceMap.locate("/services/api/command/7")).toEqual(at(7, "command"));
    expect(sourceMap.locate("/services/api/env/LOG_LEVEL/deeper/still")).toEqual(at(8, "LOG_LEVEL"));
    expect(sourceMap.locate("/services/nope/image")).toEqual(at(3, "services"));
    expect(sourceMap.locate("/nothing")).toEqual({ line: 1, column: 1 });
    expect(sourceMap.value("/services/api/replicas")).toBeUndefined();
  });

  it("escapes pointer tokens and counts columns the same with CRLF line endings", () => {
    const r = parse("a/b:\r\n  m~n: 1\r\n");
    expect(r.value).toEqual({ "a/b": { "m~n": 1 } });
    expect(r.sourceMap.key(pointer("a/b", "m~n"))).toEqual({ line: 2, column: 3 });
    expect(r.sourceMap.value("/a~1b/m~0n")).toEqual({ line: 2, column: 8 });
  });

  it("keeps YAML 1.2 core semantics for scalars", () => {
    const r = parse(
      'port: 8080\nquoted: "8080"\nhex: 0x1F\noct: 0o17\ninf: .inf\nyes: yes\non: on\nnull1: ~\nbool: true\n' +
        "date: 2024-01-01\nbig: 123456789012345678901234567890\nfloat: 1.5e3\n",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({
      port: 8080,
      quoted: "8080",
      hex: 31,
      oct: 15,
      inf: Infinity,
      yes: "yes",
      on: "on",
      null1: null,
      bool: true,
      date: "2024-01-01",
      big: 123456789012345678901234567890,
      float: 1500,
    });
  });

  it("turns number and boolean keys into the text the author wrote", () => {
    const r = parse("8080: a\ntrue: b\n0x1F: c\nnull: d\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ "8080": "a", true: "b", "0x1F": "c", null: "d" });
    expect(r.sourceMap.key("/0x1F")).toEqual({ line: 3, column: 1 });
  });

  it("expands aliases into independent copies located at the anchor", () => {
    const r = parse("base: &b {replicas: 2}\nservices:\n  api: *b\n  web: *b\n");
    expect(r.diagnostics).toEqual([]);
    const v = r.value as { services: { api: object; web: object } };
    expect(v.services.api).toEqual({ replicas: 2 });
    expect(v.services.api).not.toBe(v.services.web);
    expect(r.sourceMap.value("/services/api")).toEqual({ line: 3, column: 8 });
    expect(r.sourceMap.value("/services/api/replicas")).toEqual({ line: 1, column: 21 });
  });

  it("ignores an empty trailing document", () => {
    const r = parse("a: 1\n---\n# nothing here\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ a: 1 });
  });
});

describe("diagnostics", () => {
  it("yaml-syntax: uses the parser's line and column and suggests a fix", () => {
    const d = only(parse("owner: team\nimage: ghcr.io/a: b\n"));
    expect(d.where).toBe("yaml-syntax@2:8");
    expect(d.message).toMatch(/quotes/);
    expect(only(parse("services:\n\tapi: {}\n")).where).toBe("yaml-syntax@2:1");
    expect(parse("a: 'open\n").value).toBeUndefined();
  });

  it("yaml-syntax: an unquoted ${…} inside { … } is one error that says to quote it, at the placeholder", () => {
    const text = "services:\n  api:\n    env: { LOG_LEVEL: info, DATABASE_URL: ${dependencies.db.url} }\n    dependencies: { db: { type: postgres } }\n";
    const d = only(parse(text));
    expect(d.where).toBe("yaml-syntax@3:43");
    expect(d.message).toMatch(/^Invalid YAML: `\$\{dependencies\.db\.url\}` inside `\{ … \}` is read as the start of a nested mapping\. Quote it: `DATABASE_URL: "\$\{dependencies\.db\.url\}"`\. \(\d+ more YAML errors after this one follow from it; fix it and check again\.\)$/);
  });

  it("yaml-syntax: a line indented too far is one error at that line, saying where it should start (not about quotes)", () => {
    const d = only(parse("services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n     port: 8080\n    replicas: 2\n"));
    expect(d.where).toBe("yaml-syntax@4:6");
    expect(d.message).toContain("`port:` on line 4 is indented further than `image:` above it, which already has a value. Start `port:` at column 5");
    expect(d.message).not.toMatch(/quote/);
  });

  it("yaml-syntax: a line between two indentation levels says both columns", () => {
    const d = only(parse("services:\n  api:\n    env:\n      A: b\n     B: c\n"));
    expect(d.where).toBe("yaml-syntax@5:6");
    expect(d.message).toContain("`B` starts at column 6, between its parent (column 5) and the entries above it (column 7)");
  });

  it("yaml-syntax: an alias to an unknown anchor (or to itself) is located at the alias", () => {
    const d = only(parse("a: 1\nb: *nope\n"));
    expect(d.where).toBe("yaml-syntax@2:4");
    expect(d.path).toBe("/b");
    expect(d.message).toContain("*nope");
    expect(only(parse("a: &a [*a]\n")).where).toBe("yaml-syntax@1:8");
  });

  it("file-too-large: measures UTF-8 bytes, located at 1:1, without parsing", () => {
    const big = parse("a: " + "x".repeat(2 * 1024 * 1024) + "\n");
    expect(only(big).where).toBe("file-too-large@1:1");
    expect(big.value).toBeUndefined();
    expect(only(big).message).toContain("1 MiB");
    // 600k two-byte characters: under the limit in UTF-16 units, over it in bytes.
    expect(only(parse("a: " + "é".repeat(600_000))).where).toBe("file-too-large@1:1");
    expect(parse("a: 1\n", { maxBytes: 4 }).diagnostics[0]?.code).toBe("file-too-large");
  });

  it("empty-file: empty, whitespace, comments only or a bare ---", () => {
    for (const text of ["", "   \n\n", "# just a comment\n", "---\n", "%YAML 1.2\n---\n# c\n"]) {
      const r = parse(text);
      const d = only(r);
      expect(d.where).toBe("empty-file@1:1");
      expect(d.message).toMatch(/apiVersion.*owner.*services/);
      expect(r.value).toBeUndefined();
    }
  });

  it("multiple-documents: located at the second document's start", () => {
    const r = parse("apiVersion: paved.dev/v1\nowner: a\n---\nowner: b\n");
    expect(only(r).where).toBe("multiple-documents@3:1");
    expect(r.value).toEqual({ apiVersion: "paved.dev/v1", owner: "a" });
    expect(only(parse("a: 1\n---\n---\nb: 2\n")).where).toBe("multiple-documents@3:1"); // the empty one is skipped
  });

  it("duplicate-key: at the second occurrence, naming the key and the first line", () => {
    const r = parse("services:\n  api:\n    port: 1\n  web: {}\n  api:\n    port: 2\n");
    const d = only(r);
    expect(d.where).toBe("duplicate-key@5:3");
    expect(d.path).toBe("/services/api");
    expect(d.message).toContain('"api"');
    expect(d.message).toContain("line 2");
    expect(r.value).toEqual({ services: { api: { port: 1 }, web: {} } }); // the first one wins
    expect(only(parse("env: {A: 1, B: 2, A: 3}\n")).where).toBe("duplicate-key@1:19");
    expect(only(parse("1: a\n'1': b\n")).where).toBe("duplicate-key@2:1"); // both are the JSON key "1"
  });

  it.each([
    ["!!js/function", "a: !!js/function 'function () {}'\n"],
    ["!!python/object", "a: !!python/object {x: 1}\n"],
    ["!custom", "a: !custom x\n"],
    ["!!binary", "a: !!binary aGVsbG8=\n"],
    ["!!set", "a: !!set {x, y}\n"],
    ["!!omap", "a: !!omap [x: 1]\n"],
    ["!!timestamp", "a: !!timestamp 2001-12-14\n"],
  ])("unsupported-tag: %s is located at the tag and named", (tag, text) => {
    const r = parse(text);
    const d = only(r);
    expect(d.where).toBe("unsupported-tag@1:4");
    expect(d.message).toContain(tag);
    // Nothing is built from the tag: the value stays plain data.
    expect(JSON.parse(JSON.stringify(r.value))).toEqual(r.value);
  });

  it("unsupported-tag: on a nested block collection, and a core tag that does not fit", () => {
    expect(only(parse("a:\n  b: !!set\n    x: null\n")).where).toBe("unsupported-tag@2:6");
    expect(only(parse("a: !!int abc\n")).where).toBe("unsupported-tag@1:4");
  });

  it("allows the core tags", () => {
    const r = parse('a: !!str 8080\nb: !!int "12"\nc: !!float 1.5\nd: !!bool true\ne: !!null ~\nf: !!map {}\ng: !!seq []\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ a: "8080", b: 12, c: 1.5, d: true, e: null, f: {}, g: [] });
  });

  it("non-string-key: complex keys are errors located at the key", () => {
    const d = only(parse("env:\n  ? [a, b]\n  : 1\n  ok: 2\n"));
    expect(d.where).toBe("non-string-key@2:5");
    expect(d.path).toBe("/env");
    expect(only(parse("{x: 1}: y\n")).where).toBe("non-string-key@1:1");
    expect(parse("env:\n  ? [a, b]\n  : 1\n  ok: 2\n").value).toEqual({ env: { ok: 2 } });
  });

  it("alias-limit: a billion-laughs document returns quickly", () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lol.push(`${name}: &${name} [${Array(9).fill("*" + prev).join(",")}]`);
    }
    const started = Date.now();
    const r = parse(lol.join("\n") + "\n");
    expect(Date.now() - started).toBeLessThan(1000);
    const d = only(r);
    expect(d.where).toBe("alias-limit@4:8"); // the first *c of d: 99 expansions so far, then 10 more
    expect(d.message).toMatch(/billion laughs/);
    expect(r.value).toBeUndefined();
  });

  it("alias-limit: counts expanded nodes, so a few aliases to a huge anchor are refused", () => {
    const big = `big: &big [${Array(5000).fill("x").join(",")}]\n`;
    const r = parse(big + `use: [${Array(30).fill("*big").join(", ")}]\n`);
    expect(r.diagnostics[0]?.code).toBe("alias-limit");
    expect(r.diagnostics[0]?.line).toBe(2);
    expect(parse(big + "use: [*big, *big]\n").diagnostics).toEqual([]);
  });

  it("expanded-too-large: a few aliases of a long value cross the byte budget, located at the alias that crosses it", () => {
    // 900 kB anchored, each alias adds 900 kB again: the fourth alias takes the document to 4.5 MB, past 4 MiB.
    const value = "v".repeat(900_000);
    const text = `a: &a ${value}\nb: [*a, *a, *a, *a, *a, *a]\n`;
    const r = parse(text);
    const d = only(r);
    expect(d.where).toBe("expanded-too-large@2:17"); // the fourth *a of b (`b: [` then `*a, ` × 3)
    expect(d.path).toBe("/b/3");
    expect(d.message).toContain(`over ${MAX_EXPANDED_BYTES / 1_048_576} MiB (this alias crosses it)`);
    expect(r.value).toBeUndefined();
    // Three aliases (3.6 MB in all) are accepted.
    expect(parse(`a: &a ${value}\nb: [*a, *a, *a]\n`).diagnostics).toEqual([]);
  });

  it("expanded-too-large: counts keys and multi-byte text as UTF-8 bytes, and honours maxExpandedBytes", () => {
    expect(only(parse("a: &a é\nb: *a\n", { maxExpandedBytes: 4 })).where).toBe("expanded-too-large@2:4");
    expect(parse("a: &a é\nb: *a\n", { maxExpandedBytes: 6 }).diagnostics).toEqual([]);
    expect(only(parse("abcdef: 1\n", { maxExpandedBytes: 3 })).where).toBe("expanded-too-large@1:1");
  });

  it("alias-limit: honours maxAliasCount", () => {
    expect(only(parse("a: &a 1\nb: *a\nc: *a\n", { maxAliasCount: 1 })).where).toBe("alias-limit@3:4");
    expect(parse("a: &a 1\nb: *a\nc: *a\n").diagnostics).toEqual([]);
  });

  it("too-deep: 20,000 nested brackets and 20,000 nested flow maps, no stack overflow", () => {
    const brackets = parse("[".repeat(20_000) + "]".repeat(20_000));
    expect(only(brackets).where).toBe(`too-deep@1:${DEFAULT_LIMITS.maxDepth + 1}`);
    expect(brackets.value).toBeUndefined();
    expect(only(parse("{a: ".repeat(20_000) + "1" + "}".repeat(20_000))).where).toBe("too-deep@1:257");
    expect(only(parse("services: " + "[".repeat(20_000))).where).toMatch(/^too-deep@1:/);
    expect(only(parse("- ".repeat(20_000) + "x\n")).where).toBe("too-deep@1:129");
  });

  it("too-deep: deep block indentation is located at the first line too deep", () => {
    const lines = Array.from({ length: 70 }, (_, i) => " ".repeat(i) + "a:");
    expect(only(parse(lines.join("\n") + "\n")).where).toBe("too-deep@65:65");
    expect(parse(lines.slice(0, 64).join("\n") + "\n").diagnostics).toEqual([]);
  });

  it("too-deep: the limit is exact, and nesting the pre-scan cannot see is still caught", () => {
    const nest = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(parse(nest(64)).diagnostics).toEqual([]);
    expect(parse(nest(6), { maxDepth: 5 }).diagnostics[0]?.code).toBe("too-deep");
    // The pre-scan takes `'` after `-` for a quote; the library reads `-'a` as plain text.
    expect(only(parse("[-'a, " + "[".repeat(20_000))).where).toBe("too-deep@1:70");
  });

  it("too-deep: counts nesting added by aliases", () => {
    const r = parse("x: &x {b: {c: {d: 1}}}\ny: [*x]\n", { maxDepth: 4 });
    expect(only(r).where).toBe("too-deep@2:5");
    expect(only(r).path).toBe("/y/0");
  });

  it("does not count brackets inside quotes or comments", () => {
    const r = parse(`a: "${"[".repeat(100)}"\nb: '${"{".repeat(100)}'\n# ${"[".repeat(100)}\nc: x${"[".repeat(100)}\n`);
    expect(r.diagnostics).toEqual([]);
  });

  it("sorts several diagnostics by position", () => {
    const r = parse("a: 1\nb: !!binary x\na: 2\n");
    expect(r.diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(["unsupported-tag@2", "duplicate-key@3"]);
  });
});

describe("hostile input", () => {
  it("keeps __proto__, constructor and prototype as own data properties", () => {
    const r = parse("__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 2}}\nprototype: 3\nx: {__proto__: {polluted: 4}}\n");
    expect(r.diagnostics).toEqual([]);
    const v = r.value as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(v, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__", "constructor", "prototype", "x"]);
    expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toEqual({ polluted: 1 });
    expect((v["x"] as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(r.sourceMap.key("/__proto__")).toEqual({ line: 1, column: 1 });
  });

  it("never runs a !!js/function", () => {
    const r = parse("run: !!js/function 'function () { globalThis.pwned = true }'\n");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unsupported-tag"]);
    expect(typeof (r.value as { run: unknown }).run).toBe("string");
    expect((globalThis as Record<string, unknown>)["pwned"]).toBeUndefined();
  });

  it("has no quadratic work on 60,000 keys (the library's own uniqueKeys check is O(n²))", () => {
    const text = Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join("\n");
    const started = Date.now();
    const r = parse(text);
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.value as object)).toHaveLength(60_000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe("round trip (property)", () => {
  const key = fc.oneof(
    fc.string(),
    fc.constantFrom("__proto__", "constructor", "prototype", "toString", "1", "0x1F", "true", "null", "~", "", "a/b", "m~n", "- x", "#c", "*a", "&a", "!!str", "? k"),
  );
  const { json } = fc.letrec((tie) => ({
    json: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(),
      fc.string({ unit: "grapheme" }),
      fc.array(tie("json"), { maxLength: 5 }),
      fc.dictionary(key, tie("json"), { maxKeys: 5, noNullPrototype: true }),
    ),
  }));

  function pointers(v: unknown, ptr = "", out: Array<{ ptr: string; isKey: boolean }> = []) {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ ptr: `${ptr}/${i}`, isKey: false });
        pointers(item, `${ptr}/${i}`, out);
      });
    } else if (v !== null && typeof v === "object") {
      for (const k of Object.keys(v)) {
        const child = ptr + pointer(k);
        out.push({ ptr: child, isKey: true });
        pointers((v as Record<string, unknown>)[k], child, out);
      }
    }
    return out;
  }

  it("parseYaml(YAML.stringify(v)) is v, without diagnostics, with every pointer mapped", () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = YAML.stringify(v, { aliasDuplicateObjects: false });
        const r = parseYaml(text, "p.yaml");
        expect(r.diagnostics).toEqual([]);
        expect(r.value).toEqual(v);
        for (const { ptr, isKey } of pointers(v)) {
          expect(r.sourceMap.value(ptr), ptr).toBeDefined();
          if (isKey) expect(r.sourceMap.key(ptr), ptr).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
