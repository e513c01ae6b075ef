/**
 * One org-settings loader (src/settings/load.ts) behind the App (`<org>/.github` through the API), the
 * Action (the workspace) and the CLI (the working folder): the same config and files give the same
 * diagnostics — code, file, line, column — in all three. Before, a missing templates folder was a usage
 * error (exit 2, no location) in the CLI and a located diagnostic in the others.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actionClient } from "../src/action/inputs.js";
import { workspaceSettings } from "../src/action/settings.js";
import type { Diagnostic } from "../src/core/diagnostic.js";
import { readOrgSettings } from "../src/github/org-settings.js";
import { ORG } from "./support/app-world.js";
import { useApp } from "./support/app-harness.js";
import { runCli, type CliResult } from "./support/cli-world.js";
import type { FakeGitHub } from "./support/fake-github.js";

const MANIFESTS = "gitops: { repository: acme/gitops }\nrender:\n  mode: manifests\n";
const HELM = `gitops: { repository: acme/gitops }
render:
  mode: helm
  chart:
    repoURL: https://charts.acme.io
    name: service
    version: 1.4.0
`;
const MANIFEST = "apiVersion: paved.dev/v1\nowner: payments\nservices:\n  api:\n    image: ghcr.io/acme/payments-api:1.4.2\n    port: 8080\n";
const TEMPLATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{service.name}}-extra\n";

const CASES: Array<{ name: string; files: Record<string, string>; expected: Array<Pick<Diagnostic, "code" | "line" | "column">> }> = [
  { name: "a missing templates folder", files: { ".github/paved.yml": `${MANIFESTS}  templates: nowhere\n` }, expected: [{ code: "templates-not-found", line: 4, column: 14 }] },
  { name: "a templates folder outside the config's home", files: { ".github/paved.yml": `${MANIFESTS}  templates: ../../elsewhere\n` }, expected: [{ code: "templates-not-found", line: 4, column: 14 }] },
  { name: "a missing values schema", files: { ".github/paved.yml": `${HELM}    valuesSchema: charts/values.schema.json\n` }, expected: [{ code: "values-schema-not-found", line: 8, column: 19 }] },
  {
    name: "a values schema that is not JSON",
    files: { ".github/paved.yml": `${HELM}    valuesSchema: values.schema.json\n`, ".github/values.schema.json": "{ type: object" },
    expected: [{ code: "values-schema-invalid", line: 8, column: 19 }],
  },
  {
    name: "a values schema that is not a JSON object",
    files: { ".github/paved.yml": `${HELM}    valuesSchema: values.schema.json\n`, ".github/values.schema.json": "[1, 2]" },
    expected: [{ code: "values-schema-invalid", line: 8, column: 19 }],
  },
  { name: "a values schema URL", files: { ".github/paved.yml": `${HELM}    valuesSchema: https://charts.acme.io/values.schema.json\n` }, expected: [{ code: "values-schema-url", line: 8, column: 19 }] },
  {
    name: "both a missing folder and a missing schema",
    files: { ".github/paved.yml": `${HELM}    valuesSchema: nope.json\n  templates: nowhere\n` },
    expected: [
      { code: "values-schema-not-found", line: 8, column: 19 },
      { code: "templates-not-found", line: 9, column: 14 },
    ],
  },
];

const pick = (d: Diagnostic) => ({ code: d.code, file: d.file, line: d.line, column: d.column, severity: d.severity });
const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line;

let dir: string;
let fake: FakeGitHub;
useApp((app) => ({ fake } = app), { start: false });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "paved-shells-agree-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeTree(files: Record<string, string>): void {
  for (const [path, text] of Object.entries({ ...files, "platform.yaml": MANIFEST })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function paved(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: dir });
}

async function appDiagnostics(files: Record<string, string>) {
  fake.addRepo(`${ORG}/.github`, { files });
  const gh = actionClient("ghs_test", "https://api.github.com", { debug() {}, info() {}, warning() {} }, { throttle: { enabled: false }, retry: { enabled: false } });
  return readOrgSettings(gh, ORG);
}

describe.each(CASES)("$name", ({ files, expected }) => {
  it("is the same located error in the App, the Action and the CLI", async () => {
    const want = expected.map((e) => ({ ...e, file: ".github/paved.yml", severity: "error" }));
    writeTree(files);

    const app = await appDiagnostics(files);
    expect(app.ok).toBe(false);
    expect(app.diagnostics.map(pick).sort(byLine)).toEqual(want);

    const action = await workspaceSettings(dir, ".github/paved.yml", "");
    expect(action.ok).toBe(false);
    expect(action.diagnostics.map(pick).sort(byLine)).toEqual(want);

    const checked = await paved("check-config", "--format", "json");
    expect(checked.code).toBe(1);
    expect((JSON.parse(checked.stdout) as { diagnostics: Diagnostic[] }).diagnostics.map(pick).sort(byLine)).toEqual(want);

    // Rendering stops on the same errors, as invalid input (1), not as a usage problem (2).
    const rendered = await paved("render", "--out", "out");
    expect(rendered.code).toBe(1);
    for (const e of want) expect(rendered.stdout).toContain(`.github/paved.yml:${e.line}:${e.column}: error: `);
    expect(rendered.stdout).toContain(`[${want[0]!.code}]`);
  });
});

it("the same templates folder gives the same template set in all three", async () => {
  const files = { ".github/paved.yml": `${MANIFESTS}  templates: ../paved-templates\n`, "paved-templates/extra.yaml.hbs": TEMPLATE, "paved-templates/notes.md": "not a template\n" };
  writeTree(files);
  const app = await appDiagnostics(files);
  const action = await workspaceSettings(dir, ".github/paved.yml", "");
  if (!app.ok || !action.ok) throw new Error(`expected both to load: ${JSON.stringify([app.diagnostics, action.diagnostics])}`);
  const names = [...app.templates.templates.keys()].sort();
  expect(names).toContain("extra");
  expect([...action.templates.templates.keys()].sort()).toEqual(names);
  expect(app.templates.templates.get("extra")!.file).toBe(`${ORG}/.github/paved-templates/extra.yaml.hbs`);
  expect(action.templates.templates.get("extra")!.file).toBe(join(dir, "paved-templates/extra.yaml.hbs"));
  const checked = await paved("check-config");
  expect(checked.stdout).toBe(`.github/paved.yml: valid org config (2 environments, 0 policies, ${names.length} templates)\n`);
  expect(checked.code).toBe(0);
});

it("a file or folder that links out of the workspace reads as missing in the Action and the CLI, as through the API", async () => {
  const outside = mkdtempSync(join(tmpdir(), "paved-outside-"));
  try {
    writeFileSync(join(outside, "environ"), "GITHUB_TOKEN=ghs_secret_never_shown\n");
    mkdirSync(join(outside, "templates"));
    writeFileSync(join(outside, "templates", "extra.yaml.hbs"), TEMPLATE);
    writeTree({ ".github/paved.yml": `${HELM}    valuesSchema: values.schema.json\n  templates: linked-templates\n` });
    symlinkSync(join(outside, "environ"), join(dir, ".github/values.schema.json"));
    symlinkSync(join(outside, "templates"), join(dir, ".github/linked-templates"));
    const want = [
      { code: "values-schema-not-found", file: ".github/paved.yml", line: 8, column: 19, severity: "error" },
      { code: "templates-not-found", file: ".github/paved.yml", line: 9, column: 14, severity: "error" },
    ];
    const action = await workspaceSettings(dir, ".github/paved.yml", "");
    expect(action.diagnostics.map(pick).sort(byLine)).toEqual(want);
    const checked = await paved("check-config", "--format", "json");
    expect(checked.code).toBe(1);
    expect((JSON.parse(checked.stdout) as { diagnostics: Diagnostic[] }).diagnostics.map(pick).sort(byLine)).toEqual(want);
    expect(JSON.stringify(action.diagnostics) + checked.stdout + checked.stderr).not.toContain("ghs_secret");
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

it("a link that stays inside the workspace is followed, as the API serves it", async () => {
  writeTree({ ".github/paved.yml": `${HELM}    valuesSchema: values.schema.json\n`, "charts/values.schema.json": '{ "type": "object" }' });
  symlinkSync(join(dir, "charts/values.schema.json"), join(dir, ".github/values.schema.json"));
  const action = await workspaceSettings(dir, ".github/paved.yml", "");
  expect(action.ok && action.renderOptions).toEqual({ valuesSchema: { type: "object" } });
});
