/**
 * Namespace patterns: the org config is refused at load when two (owner, environment) pairs can
 * share a namespace of one cluster. Each refused case names the two owners that would collide.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { namespaceFor } from "../src/manifest/resolve.js";

const FILE = ".github/paved.yml";

function config(environments: Record<string, { cluster?: string; namespace?: string }>): string {
  const lines = ["environments:"];
  for (const [name, env] of Object.entries(environments)) {
    lines.push(`  ${name}:`, `    cluster: ${env.cluster ?? "https://kubernetes.default.svc"}`);
    if (env.namespace !== undefined) lines.push(`    namespace: "${env.namespace}"`);
  }
  return lines.join("\n") + "\n";
}

function overlap(text: string) {
  return loadConfig(text, FILE).diagnostics.filter((d) => d.code === "namespace-overlap");
}

describe("namespace patterns that can collide are refused at load", () => {
  it("the issue's case: `{owner}-staging` and `{owner}` on one cluster (owner payments-staging would land in payments' staging)", () => {
    const text = config({ staging: { namespace: "{owner}-staging" }, production: { namespace: "{owner}" } });
    const loaded = loadConfig(text, FILE);
    expect(loaded.config).toBeUndefined();
    const [problem, ...more] = overlap(text);
    expect(more).toEqual([]);
    // Located at the second environment's pattern, with two owners that would get one namespace.
    expect(problem).toMatchObject({ line: 7, column: 16, path: "/environments/production/namespace" });
    expect(problem!.message).toMatch(/owner `(.+)` in `staging` and owner `\1-staging` in `production` both get namespace `\1-staging`/);
    // The witness is real: the two owners do produce the same namespace.
    const [, a] = /owner `([^`]+)` in `staging`/.exec(problem!.message)!;
    expect(namespaceFor("{owner}-staging", a!, "staging", "x")).toBe(namespaceFor("{owner}", `${a}-staging`, "production", "x"));
  });

  it("one pattern in two environments of one cluster (a team's staging and production in one namespace)", () => {
    const [problem] = overlap(config({ staging: { namespace: "{owner}" }, production: { namespace: "{owner}" } }));
    expect(problem!.message).toMatch(/owner `[a-z0-9]+` gets namespace `[a-z0-9]+` in both/);
  });

  it("prefix against suffix, `{env}` spelled out, and a trailing slash that names the same cluster", () => {
    expect(overlap(config({ a: { namespace: "x-{owner}" }, b: { namespace: "{owner}-x" } }))).toHaveLength(1); // x-a-x
    expect(overlap(config({ staging: { namespace: "{owner}-{env}" }, qa: { namespace: "{owner}-staging" } }))).toHaveLength(1);
    expect(overlap(config({ a: { namespace: "{owner}", cluster: "https://k8s.acme.io/" }, b: { namespace: "{owner}", cluster: "https://K8S.acme.io" } }))).toHaveLength(1);
    expect(overlap(config({ dev: { namespace: "team-{owner}" }, prod: { namespace: "{owner}" } }))).toHaveLength(1); // team-a is owner team-a's prod
  });

  it("patterns with `{service}`, without `{owner}`, with `{owner}` twice or an unknown placeholder", () => {
    const codes = (namespace: string) => overlap(config({ staging: { namespace } })).map((d) => d.message);
    expect(codes("{owner}-{service}")[0]).toMatch(/uses `\{service\}`: .*`payments` \+ `eu-api` and `payments-eu` \+ `api`/);
    expect(codes("{service}-{env}")[0]).toMatch(/\{service\}/);
    expect(codes("{env}")[0]).toMatch(/does not use `\{owner\}`: every team would deploy into the same namespace/);
    expect(codes("{owner}-{owner}")[0]).toMatch(/more than once/);
    expect(codes("{owner}-{team}")[0]).toMatch(/uses `\{team\}`/);
    expect(codes("{owner}-{")[0]).toMatch(/unmatched/);
  });
});

describe("namespace patterns that cannot collide load", () => {
  it.each([
    ["the built-in `{owner}-{env}` on one cluster", { staging: {}, production: {} }],
    ["different suffixes on one cluster", { dev: { namespace: "{owner}-dev" }, staging: { namespace: "{owner}-staging" } }],
    ["`{owner}` alone on its own cluster", { staging: { namespace: "{owner}-staging" }, production: { namespace: "{owner}", cluster: "https://prod.k8s.acme.io" } }],
    // Owner `a` in b would need `a-…50 chars` = an owner of 52 characters: team slugs have at most 40.
    ["an overlap only a 52-character owner could reach", { a: { namespace: "{owner}" }, b: { namespace: `{owner}-${"q".repeat(50)}` } }],
    ["prefixes that differ", { a: { namespace: "a-{owner}" }, b: { namespace: "b-{owner}" } }],
  ])("%s", (_, environments) => {
    const loaded = loadConfig(config(environments), FILE);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.config).toBeDefined();
  });

  it("every shipped example config loads (they keep `{owner}` alone on a cluster of its own)", () => {
    const dirs = ["examples/", "examples/multi-team/"];
    const files = dirs.flatMap((dir) => readdirSync(new URL(`../${dir}`, import.meta.url)).filter((f) => /^paved.*\.yml$/.test(f)).map((f) => dir + f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const loaded = loadConfig(readFileSync(new URL(`../${file}`, import.meta.url), "utf8"), file);
      expect(loaded.diagnostics.filter((d) => d.severity === "error"), file).toEqual([]);
    }
  });
});
