/**
 * Red-team regressions on the org's declared policies: their JSON Schemas run on values a pull
 * request chooses, so a careless `pattern` must run in linear time and a self-referencing `$ref` be a config error,
 * never a hung or crashed Paved.
 */
import { describe, it, expect } from "vitest";
import { at, catalogConfig, check, yaml } from "./manifest-fixtures.js";
import { loadConfig } from "../src/config/load.js";
import type { ResolvedConfig } from "../src/config/types.js";
import { linearRegExp } from "../src/core/linear-regexp.js";

function policyConfig(assert: string): ReturnType<typeof loadConfig> {
  return loadConfig(`policies:\n  - id: p\n    assert: ${assert}\n`, ".github/paved.yml");
}

/** A manifest whose one env value is `value`, and a config whose only policy asserts `assert`. */
function judged(assert: string, value: string): string[] {
  const loaded = policyConfig(assert);
  expect(loaded.diagnostics).toEqual([]);
  const cfg: ResolvedConfig = { ...catalogConfig, policies: loaded.config!.policies, builtins: { "production-digest": false, "env-secret-literal": false } };
  const manifest = `apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1\n    env:\n      V: ${JSON.stringify(value)}\n`;
  return check(manifest, cfg).diagnostics.map(at);
}

describe("policy patterns run on RE2: linear time whatever the pattern, so none is refused for its shape", () => {
  // Each of these backtracks exponentially (or, `\s+$`, quadratically) in JavaScript's engine on the
  // value beside it: at these lengths a backtracking engine would not finish within the test run.
  it.each([
    ["^(a+)+$", "a".repeat(30_000) + "!", false],
    ["^(\\w+\\s?)*$", "a ".repeat(15_000) + "!", false],
    ["^([a-z0-9]+-?)+$", "a".repeat(30_000) + "!", false],
    ["^(a|ab)+$", "ab".repeat(15_000) + "!", false],
    ["(.*a){20}", "a".repeat(30_000), true],
    ["\\s+$", " ".repeat(32_000) + "x", false],
  ])("`%s` loads and judges a hostile value correctly", (pattern, value, matches) => {
    const codes = judged(`{ properties: { env: { additionalProperties: { pattern: ${JSON.stringify(pattern)} } } } }`, value);
    expect(codes).toEqual(matches ? [] : ["p@7:10"]);
  });

  it("a value the pattern does match passes (the engine agrees with the expression's meaning)", () => {
    expect(judged(`{ properties: { env: { additionalProperties: { pattern: "^(a+)+$" } } } }`, "a".repeat(30_000))).toEqual([]);
    expect(judged(`{ properties: { env: { additionalProperties: { not: { pattern: "\\\\s+$" } } } } }`, "x" + " ".repeat(32_000))).toEqual(["p@7:10"]);
    expect(judged(`{ properties: { env: { additionalProperties: { pattern: "^\\\\u00e9+$" } } } }`, "éé")).toEqual([]);
  });

  it.each([
    ["(a)\\1", "invalid escape sequence"],
    ["(?<n>a)\\k<n>", "a backreference `\\k<…>`"],
    ["^(?=a)", "(?="],
    ["^(?!a)", "(?!"],
    ["(?<=a)b", "(?<"],
    ["(?<!a)b", "(?<"],
  ])("`%s` (valid in JavaScript, not linear) is an invalid-policy error at the policy, saying why", (pattern, reason) => {
    const loaded = policyConfig(`{ properties: { description: { pattern: ${JSON.stringify(pattern)} } } }`);
    expect(loaded.config).toBeUndefined();
    expect(loaded.diagnostics.map(at)).toEqual(["invalid-policy@3:5"]);
    expect(loaded.diagnostics[0]!.message).toContain(`the pattern \`${pattern}\` cannot run in linear time (`);
    expect(loaded.diagnostics[0]!.message).toContain(reason);
    expect(loaded.diagnostics[0]!.message).toContain("rewrite it without them");
  });

  it("patternProperties keys run on RE2 too", () => {
    const loaded = policyConfig(`{ properties: { env: { patternProperties: { "^(?=V)": { type: string } } } } }`);
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(["invalid-policy"]);
    expect(loaded.diagnostics[0]!.message).toContain("cannot run in linear time");
    expect(judged(`{ properties: { env: { patternProperties: { "^([A-Z]+_?)+$": { maxLength: 1 } } } } }`, "ab")).toEqual(["p@7:10"]);
  });

  it("a pattern that is not a regular expression still says so", () => {
    const loaded = policyConfig(`{ properties: { description: { pattern: "(" } } }`);
    expect(loaded.diagnostics[0]!.message).toContain("is not a valid regular expression: Invalid regular expression");
  });

  it("safe patterns load and judge as before", () => {
    const loaded = policyConfig(`{ properties: { image: { pattern: "^ghcr\\\\.io/acme/([a-z0-9]+-)*[a-z0-9]+[:@]" } } }`);
    expect(loaded.diagnostics).toEqual([]);
    const cfg: ResolvedConfig = { ...catalogConfig, policies: loaded.config!.policies, builtins: { "production-digest": false } };
    const ok = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/pay-api:1\n";
    expect(check(ok, cfg).diagnostics).toEqual([]);
    expect(check(ok.replace("pay-api", "pay--api"), cfg).diagnostics.map(at)).toEqual(["p@5:12"]);
  });

  it("every pattern of Paved's own schemas compiles on RE2 (the OCI image grammar included)", async () => {
    const { readFileSync } = await import("node:fs");
    const patterns = new Set<string>();
    for (const name of ["platform", "config"]) {
      JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), "utf8"), (key, value: unknown) => {
        if (key === "pattern" && typeof value === "string") patterns.add(value);
        return value;
      });
    }
    expect(patterns.size).toBeGreaterThan(10);
    // Compiling is not enough: the RE2 matcher must judge as the pattern means, on what users write
    // (every string of the bundled examples) and on each pattern's own edge: the empty string.
    const probes = new Set<string>([""]);
    for (const file of ["platform.yaml", "paved.yml", "multi-team/payments.platform.yaml", "multi-team/search.platform.yaml"]) {
      for (const word of readFileSync(new URL(`../examples/${file}`, import.meta.url), "utf8").split(/[\s"'{},[\]]+/)) probes.add(word);
    }
    let matched = 0;
    for (const pattern of patterns) {
      const linear = linearRegExp(pattern, "u");
      const native = new RegExp(pattern, "u");
      for (const probe of probes) {
        expect(linear.test(probe), `/${pattern}/u on ${JSON.stringify(probe)}`).toBe(native.test(probe));
        if (native.test(probe)) matched++;
      }
    }
    expect(matched).toBeGreaterThan(patterns.size); // the probes do reach the patterns' matching side
  });
});

describe("policy assertions that refer back to themselves", () => {
  it.each([`{ $ref: "#" }`, `{ not: { $ref: "#" } }`, `{ allOf: [{ $ref: "#" }] }`, `{ $dynamicRef: "#meta" }`])(
    "%s is an invalid-policy error, not a stack overflow",
    (assert) => {
      const loaded = policyConfig(assert);
      expect(loaded.config).toBeUndefined();
      expect(loaded.diagnostics.map(at)).toEqual(["invalid-policy@3:5"]);
      expect(loaded.diagnostics[0]!.message).toContain("overflows the stack: it refers back to itself");
    },
  );

  it("a recursion into a field is fine", () => {
    expect(policyConfig(`{ properties: { env: { $ref: "#" } } }`).diagnostics).toEqual([]);
  });

  it("a recursion only some units reach fails those units, located, instead of crashing", () => {
    const text = yaml`
      policies:
        - id: loop
          description: Loops on big services
          assert:
            if: { properties: { replicas: { const: 7 } }, required: [replicas] }
            then: { $ref: "#" }
    `;
    const loaded = loadConfig(text, ".github/paved.yml");
    expect(loaded.diagnostics).toEqual([]);
    const cfg: ResolvedConfig = { ...catalogConfig, policies: loaded.config!.policies, builtins: { "production-digest": false } };
    const manifest = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/api:1\n    replicas: 7\n";
    const result = check(manifest, cfg);
    expect(result.diagnostics.map(at)).toEqual(["loop@4:3"]);
    expect(result.diagnostics[0]!.message).toContain("could not be checked in `staging` and `production`");
    expect(check(manifest.replace("replicas: 7", "replicas: 2"), cfg).diagnostics).toEqual([]);
  });
});

describe("a chart's values schema gets the same guards (its patterns also run on pull-request values)", () => {
  it("its patterns run on RE2: a backtracking one judges a hostile value, a lookahead does not compile, with the reason", async () => {
    const { compileValuesSchema } = await import("../src/render/values-schema.js");
    const backtracking = compileValuesSchema({ properties: { env: { additionalProperties: { pattern: "^(\\w+\\s?)*$" } } } });
    expect(backtracking.ok).toBe(true);
    if (backtracking.ok) expect(backtracking.validate({ env: { A: "a ".repeat(15_000) + "!" } })).toEqual(['values.env.A must match pattern "^(\\w+\\s?)*$"']);
    const lookahead = compileValuesSchema({ properties: { env: { additionalProperties: { pattern: "^(?!x)" } } } });
    expect(lookahead.ok).toBe(false);
    expect(lookahead.ok ? "" : lookahead.message).toContain("cannot run in linear time");
  });

  it("a schema that refers back to itself reports the values as unchecked instead of throwing", async () => {
    const { compileValuesSchema } = await import("../src/render/values-schema.js");
    const compiled = compileValuesSchema({ $ref: "#" });
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.validate({ replicas: 1 })).toEqual(["values could not be checked: the chart's values schema refers back to itself without end"]);
  });
});
