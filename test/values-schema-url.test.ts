/**
 * `render.chart.valuesSchema` as a URL gets one answer everywhere: the CLI, the Action and the App all
 * refuse it with the same error, located at the value in the config (they share loadConfig, which
 * checks it). Before, the CLI skipped it silently and the others refused it at line 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { actionClient } from "../src/action/inputs.js";
import { workspaceSettings } from "../src/action/settings.js";
import type { Diagnostic } from "../src/core/diagnostic.js";
import { readOrgSettings } from "../src/github/org-settings.js";
import { EXAMPLE_MANIFEST, ORG, seedOrg } from "./support/app-world.js";
import { useApp } from "./support/app-harness.js";
import type { FakeGitHub } from "./support/fake-github.js";
import { runCli, type CliResult } from "./support/cli-world.js";

const CONFIG = `gitops: { repository: acme/gitops }
render:
  mode: helm
  chart:
    repoURL: https://charts.acme.io
    name: service
    version: 1.4.0
    valuesSchema: https://charts.acme.io/service/values.schema.json
`;
const EXPECTED = {
  severity: "error",
  code: "values-schema-url",
  line: 8,
  column: 19,
  message: "`render.chart.valuesSchema` is a URL (`https://charts.acme.io/service/values.schema.json`): Paved does not fetch it; commit the chart's values.schema.json next to the config and give its path, e.g. `charts/values.schema.json`",
};
const pick = (d: Diagnostic) => ({ severity: d.severity, code: d.code, line: d.line, column: d.column, message: d.message });

let dir: string;
let fake: FakeGitHub;
useApp((app) => ({ fake } = app), { start: false });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "paved-values-url-"));
  writeFileSync(join(dir, "paved.yml"), CONFIG);
  writeFileSync(join(dir, "platform.yaml"), EXAMPLE_MANIFEST);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function paved(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: dir });
}

it("the CLI refuses it (validate and render), located at the value", async () => {
  const validate = await paved("validate", "platform.yaml", "--config", "paved.yml", "--format", "json");
  expect(validate.code).toBe(1);
  expect((JSON.parse(validate.stdout) as { diagnostics: Diagnostic[] }).diagnostics.map(pick)).toEqual([EXPECTED]);
  const render = await paved("render", "platform.yaml", "--config", "paved.yml", "--out", "out");
  expect(render.code).toBe(1);
  expect(render.stdout).toContain("paved.yml:8:19: error: `render.chart.valuesSchema` is a URL");
});

it("the Action refuses it the same way", async () => {
  const settings = await workspaceSettings(dir, "paved.yml", "");
  expect(settings.ok).toBe(false);
  expect(settings.diagnostics.map(pick)).toEqual([EXPECTED]);
});

it("the App refuses it the same way", async () => {
  seedOrg(fake, { config: CONFIG });
  const gh = actionClient("ghs_test", "https://api.github.com", { debug() {}, info() {}, warning() {} }, { throttle: { enabled: false }, retry: { enabled: false } });
  const settings = await readOrgSettings(gh, ORG);
  expect(settings.ok).toBe(false);
  expect(settings.diagnostics.map(pick)).toEqual([EXPECTED]);
});
