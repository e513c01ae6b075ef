/**
 * Namespace patterns: the org config is refused at load when two (owner, environment) pairs can
 * share a namespace of one cluster. Each refused case names the two owners that would collide.
 */
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
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
    expect(namespaceFor("{owner}-staging", a!, "staging")).toBe(namespaceFor("{owner}", `${a}-staging`, "production"));
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

describe("the decision is exact (property)", () => {
  // Owners built from the patterns' own pieces: the adversarial ones (`a-staging`, `team-a`, …).
  const PIECES = ["a", "x", "staging", "prod", "team", "-"];
  const owners: string[] = [];
  const build = (prefix: string, depth: number): void => {
    if (/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(prefix)) owners.push(prefix);
    if (depth === 0) return;
    for (const piece of PIECES) build(prefix + piece, depth - 1);
  };
  build("", 4);
  const pattern = fc.tuple(fc.constantFrom("", "a-", "team-", "x", "prod-"), fc.constantFrom("", "-staging", "-a", "-x-staging", "staging", "-{env}", "-{env}-a")).map(([p, s]) => `${p}{owner}${s}`);
  const envName = fc.constantFrom("staging", "prod", "a", "x-staging");

  it("a config that loads gives no two (owner, environment) pairs one namespace; a refused one names a real collision", () => {
    fc.assert(
      fc.property(fc.uniqueArray(envName, { minLength: 2, maxLength: 2 }), fc.tuple(pattern, pattern), ([e1, e2], [p1, p2]) => {
        const text = config({ [e1!]: { namespace: p1 }, [e2!]: { namespace: p2 } });
        const problems = overlap(text);
        const seen = new Map<string, string>();
        let collision: string | undefined;
        for (const [env, p] of [[e1!, p1], [e2!, p2]] as const) {
          for (const owner of owners) {
            const ns = namespaceFor(p, owner, env);
            const first = seen.get(ns);
            if (first !== undefined && first !== `${owner}/${env}`) collision ??= `${first} and ${owner}/${env} → ${ns}`;
            seen.set(ns, `${owner}/${env}`);
          }
        }
        if (problems.length === 0) expect(collision, `${p1} in ${e1}, ${p2} in ${e2}`).toBeUndefined();
        else {
          // The witness in the message is a real collision of these two patterns.
          const patternOf: Record<string, string> = { [e1!]: p1, [e2!]: p2 };
          const message = problems[0]!.message;
          const pair = /owner `([^`]+)` in `([^`]+)` and owner `([^`]+)` in `([^`]+)` both get namespace `([^`]+)`/.exec(message);
          const same = /owner `([^`]+)` gets namespace `([^`]+)` in both/.exec(message);
          if (pair) {
            const [, a, ea, b, eb, ns] = pair;
            expect([namespaceFor(patternOf[ea!]!, a!, ea!), namespaceFor(patternOf[eb!]!, b!, eb!)]).toEqual([ns, ns]);
          } else {
            expect(same, message).not.toBeNull();
            expect([namespaceFor(p1, same![1]!, e1!), namespaceFor(p2, same![1]!, e2!)]).toEqual([same![2], same![2]]);
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});
