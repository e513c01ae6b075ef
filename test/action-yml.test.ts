/**
 * action.yml as GitHub reads it: a YAML document both common loaders accept, valid against the
 * action-validator's schema of action metadata, on the Node runtime GitHub's runners still provide.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateAction } from "@action-validator/core";
import jsYaml from "js-yaml";
import { parse as parseYaml } from "yaml";
import { expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const TEXT = readFileSync(join(ROOT, "action.yml"), "utf8");

interface ActionMetadata {
  inputs: Record<string, { description: string; default?: string }>;
  runs: { using: string; main: string };
}

it("loads with js-yaml and with yaml, to the same document", () => {
  const viaJsYaml = jsYaml.load(TEXT);
  const viaYaml: unknown = parseYaml(TEXT, { prettyErrors: true });
  expect(viaYaml).toEqual(viaJsYaml);
  expect(Object.keys((viaYaml as ActionMetadata).inputs)).toEqual(["github-token", "gitops-token", "config-source", "config-token", "config", "manifest", "comment-author"]);
});

it("runs the committed bundle on node24 (Node 20 left GitHub's runners)", () => {
  const action = parseYaml(TEXT) as ActionMetadata;
  expect(action.runs.using).toBe("node24");
  expect(action.runs.main).toBe("action/dist/index.js");
});

// @action-validator/core 0.6 knows the runtimes up to node20: validate everything else with `using`
// swapped for one it knows (the line above asserts the real value).
it("passes @action-validator/core", () => {
  const known = TEXT.replace(/^(\s+using:\s*)node24\s*$/m, "$1node20");
  expect(known).not.toBe(TEXT);
  expect(validateAction(known).errors).toEqual([]);
});

it("is what the validator rejects when broken (the negative control)", () => {
  expect(validateAction(TEXT.replace("action/dist/index.js", "")).errors).not.toEqual([]);
  expect(() => parseYaml("a: b (default: c)")).toThrow();
});
