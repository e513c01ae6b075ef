/**
 * The house keeps its shape (issue #12): dependency-cruiser checks the import rules in
 * .dependency-cruiser.cjs (shells → flows → adapters → core; no module cycles); folder cycles and
 * environment reads, which its rules cannot express, are checked here from the same cruise.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const SHELL = /^src\/(app|cli|action|demo)\/|^src\/(server|index)\.ts$/;

let result: ICruiseResult;

beforeAll(async () => {
  const config = createRequire(import.meta.url)(join(ROOT, ".dependency-cruiser.cjs"));
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const reporter = await cruise(["src"], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } });
    result = reporter.output as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
}, 60_000);

/** The folder a module belongs to: `src/plan/diff.ts` → `plan`; top-level files are their own. */
const folderOf = (source: string) => source.replace(/^src\//, "").split("/")[0]!;

/** Strongly connected groups of folders with more than one member (Tarjan). */
function folderCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups;
}

describe("layering", () => {
  it("every import follows the rules in .dependency-cruiser.cjs", () => {
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
    expect(result.summary.totalCruised).toBeGreaterThan(100);
  });

  it("no two folders import each other, directly or round a loop", () => {
    const edges = new Map<string, Set<string>>();
    const through = new Map<string, string>();
    for (const module of result.modules) {
      if (!module.source.startsWith("src/")) continue;
      const from = folderOf(module.source);
      for (const dependency of module.dependencies) {
        if (!dependency.resolved.startsWith("src/")) continue;
        const to = folderOf(dependency.resolved);
        if (to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
        through.set(`${from}->${to}`, `${module.source} → ${dependency.resolved}`);
      }
    }
    const cycles = folderCycles(edges).map((group) => ({
      folders: group,
      imports: [...through].filter(([key]) => group.some((a) => group.some((b) => key === `${a}->${b}`))).map(([, example]) => example),
    }));
    expect(cycles).toEqual([]);
  });

  it("only the shells read the environment", () => {
    const code = (source: string) => readFileSync(join(ROOT, source), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const readers = result.modules
      .map((m) => m.source)
      .filter((source) => source.startsWith("src/") && source.endsWith(".ts") && !SHELL.test(source) && !source.startsWith("src/generated/"))
      .filter((source) => /\bprocess\.env\b/.test(code(source)));
    // The local git adapter hands its environment to the git child process (PATH, HOME, the user's
    // identity), minus the variables that would point git at another repository.
    expect(readers).toEqual(["src/gitops/local.ts"]);
  });
});
