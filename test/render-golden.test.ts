// Golden files for the shared example in both modes. `UPDATE_GOLDEN=1 npx vitest run test/render-golden.test.ts`
// rewrites them; review the diff like code.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ResolvedConfig } from "../src/config/types.js";
import { defaultTemplates } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import { exampleUnits, helmConfig, manifestsConfig, SOURCE } from "./render-fixtures.js";

const GOLDEN = fileURLToPath(new URL("./golden/", import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function golden(mode: string, config: ResolvedConfig): void {
  const result = renderUnits(exampleUnits(config), config, SOURCE, defaultTemplates());
  const dir = join(GOLDEN, mode);
  const actual = new Map(result.files);
  // What the result says about the files, beside them.
  actual.set("_result.json", JSON.stringify({ units: result.units, owned: result.owned, shared: result.shared, diagnostics: result.diagnostics }, null, 2) + "\n");
  if (UPDATE) {
    rmSync(dir, { recursive: true, force: true });
    for (const [path, text] of actual) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  const expected = new Map(listFiles(dir).map((file) => [relative(dir, file).split("\\").join("/"), readFileSync(file, "utf8")]));
  expect([...actual.keys()].sort(), `files of ${mode} (UPDATE_GOLDEN=1 to accept)`).toEqual([...expected.keys()].sort());
  for (const [path, text] of actual) expect(text, `${mode}/${path} (UPDATE_GOLDEN=1 to accept)`).toBe(expected.get(path));
}

describe("golden files for the shared example", () => {
  it("manifests mode", () => golden("manifests", manifestsConfig));
  it("helm mode", () => golden("helm", helmConfig));
});
