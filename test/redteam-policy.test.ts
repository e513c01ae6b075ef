/**
 * Red-team regressions on the org's declared policies: their JSON Schemas run on values a pull
 * request chooses, so a careless `pattern` or a self-referencing `$ref` must be a config error,
 * never a hung or crashed Paved.
 */
import { describe, it, expect } from "vitest";
import { at, catalogConfig, check, yaml } from "./manifest-fixtures.js";
import { loadConfig } from "../src/config/load.js";
import type { ResolvedConfig } from "../src/config/types.js";
import { exponentialRegex } from "../src/core/regex-safety.js";

function policyConfig(assert: string): ReturnType<typeof loadConfig> {
  return loadConfig(`policies:\n  - id: p\n    assert: ${assert}\n`, ".github/paved.yml");
}

describe("policy patterns that backtrack exponentially are refused when the config loads", () => {
  it("the classic `^(a+)+$` is an invalid-policy error at the policy, before any manifest meets it", () => {
    const loaded = policyConfig(`{ properties: { description: { pattern: "^(a+)+$" } } }`);
    expect(loaded.config).toBeUndefined();
    expect(loaded.diagnostics.map(at)).toEqual(["invalid-policy@3:5"]);
    expect(loaded.diagnostics[0]!.message).toContain("the pattern `^(a+)+$` could take exponential time");
    expect(loaded.diagnostics[0]!.message).toContain("`(a+)`");
  });

  it("patternProperties keys are patterns too", () => {
    const loaded = policyConfig(`{ properties: { env: { patternProperties: { "^([A-Z]+_?)+$": { type: string } } } } }`);
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(["invalid-policy"]);
  });

  it("a pattern that is not a regular expression still says so", () => {
    const loaded = policyConfig(`{ properties: { description: { pattern: "(" } } }`);
    expect(loaded.diagnostics[0]!.message).toContain("Invalid regular expression");
  });

  it("safe patterns load and judge as before", () => {
    const loaded = policyConfig(`{ properties: { image: { pattern: "^ghcr\\\\.io/acme/([a-z0-9]+-)*[a-z0-9]+[:@]" } } }`);
    expect(loaded.diagnostics).toEqual([]);
    const cfg: ResolvedConfig = { ...catalogConfig, policies: loaded.config!.policies, builtins: { "production-digest": false } };
    const ok = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/pay-api:1\n";
    expect(check(ok, cfg).diagnostics).toEqual([]);
    expect(check(ok.replace("pay-api", "pay--api"), cfg).diagnostics.map(at)).toEqual(["p@5:12"]);
  });

  it("with a refused pattern, a hostile manifest finishes at once (it used to hang for minutes)", () => {
    const started = Date.now();
    const loaded = policyConfig(`{ properties: { description: { pattern: "^(a+)+$" } } }`);
    expect(loaded.config).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    "^(a+)+$",
    "(\\w+\\s?)*$",
    "^([a-z0-9]+-?)+$",
    "(a|ab)+",
    "(\\w|\\d)*",
    "(a+a)+",
    "^(a*)*$",
    "([a-z0-9]+(-[a-z0-9]+)*)+",
    "(.*a){20}",
    "^(?=(a+)+$)",
    "(?:[^\"]+|\\\\.)*\"",
    "([a-z]*\\.[a-z]*)*",
    "(a+b*)*",
    "(a)\\1",
    "(?<n>a)\\k<n>",
  ])("refuses %s", (pattern) => {
    expect(exponentialRegex(pattern)).toBeDefined();
  });

  it.each([
    "^a+$",
    "^(a+b)+$",
    "^([a-z]+-)*[a-z]+$",
    "(\\.[a-z]+)*",
    "(-+[a-z]+)*",
    "^(foo|bar)+$",
    "(\\w|-)+",
    "^\\d+(\\.\\d+){0,2}$",
    "^(?:[^\"\\\\]|\\\\.)*$",
    "^(prod|staging)-[a-z]+$",
    "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$",
  ])("accepts %s", (pattern) => {
    expect(exponentialRegex(pattern)).toBeUndefined();
  });

  it("accepts every pattern of Paved's own schemas (the OCI image grammar included)", async () => {
    const { readFileSync } = await import("node:fs");
    const patterns = new Set<string>();
    for (const name of ["platform", "config"]) {
      JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), "utf8"), (key, value: unknown) => {
        if (key === "pattern" && typeof value === "string") patterns.add(value);
        return value;
      });
    }
    expect(patterns.size).toBeGreaterThan(10);
    for (const pattern of patterns) expect([pattern, exponentialRegex(pattern)]).toEqual([pattern, undefined]);
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
  it("an exponential pattern does not compile, with the reason", async () => {
    const { compileValuesSchema } = await import("../src/render/values-schema.js");
    const compiled = compileValuesSchema({ properties: { env: { additionalProperties: { pattern: "^(\\w+\\s?)*$" } } } });
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? "" : compiled.message).toContain("could take exponential time");
  });

  it("a schema that refers back to itself reports the values as unchecked instead of throwing", async () => {
    const { compileValuesSchema } = await import("../src/render/values-schema.js");
    const compiled = compileValuesSchema({ $ref: "#" });
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.validate({ replicas: 1 })).toEqual(["values could not be checked: the chart's values schema refers back to itself without end"]);
  });
});

describe("the pattern scanner itself", () => {
  it.each(["(?<abc", "\\u{41", "\\", "[abc", "a)", "{", "(?", "\\k<x"])("never loops or throws on the malformed %s", (pattern) => {
    expect(() => exponentialRegex(pattern)).not.toThrow();
  });
});
