/**
 * README's root Application, the one the platform team applies by hand, finds the unit Applications
 * that `paved render` writes when the org config sets `gitops.directory` (as the README's example does).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, expect, it } from "vitest";
import { run, type Io } from "../src/cli/main.js";
import { loadConfig } from "../src/config/load.js";
import { previewWrites } from "../src/previews/changes.js";
import { renderPreview } from "../src/previews/render.js";
import { defaultTemplates } from "../src/render/index.js";

const ROOT = new URL("..", import.meta.url).pathname;
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "paved-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(at: string): string[] {
  return readdirSync(at, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(at, e.name)) : [join(at, e.name)]));
}

/** Argo CD's directory `include` glob: `*` stays within one path segment. */
function globMatches(glob: string, path: string): boolean {
  const pattern = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*");
  return new RegExp(`^${pattern}$`).test(path);
}

it("README's root Application syncs exactly the Applications rendered under gitops.directory", async () => {
  const block = /```yaml\n(apiVersion: argoproj\.io\/v1alpha1\nkind: Application\nmetadata: \{ name: paved-production[\s\S]*?)```/.exec(README);
  expect(block, "README has the root Application").not.toBeNull();
  const root = parseYaml(block![1]!) as { spec: { source: { path: string; directory: { recurse: boolean; include: string } } } };
  const directory = /the org config says `gitops: \{ directory: ([a-z/]+) \}`/.exec(README)?.[1];
  expect(directory, "README names the gitops.directory of its example").toBeDefined();

  const config = readFileSync(join(ROOT, "examples/paved.yml"), "utf8").replace(/^  directory: "".*$/m, `  directory: ${directory}`);
  expect(config).toContain(`directory: ${directory}`);
  writeFileSync(join(dir, "paved.yml"), config);
  const out = join(dir, "out");
  const io: Io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: ROOT, isTTY: false };
  expect(await run(["render", "examples/platform.yaml", "--config", join(dir, "paved.yml"), "--out", out, "--source", "acme/payments"], io)).toBe(0);

  const rendered = files(out).map((file) => relative(out, file));
  const applications = rendered.filter((file) => file.startsWith(`${directory}/production/`) && file.endsWith("/application.yaml"));
  expect(applications.length).toBeGreaterThan(0);
  const { path, directory: { include } } = root.spec.source;
  const synced = rendered.filter((file) => file.startsWith(`${path}/`) && globMatches(include, file.slice(path.length + 1)));
  expect(synced.sort()).toEqual(applications.sort());

  const projects = rendered.filter((file) => file.includes("/projects/"));
  expect(projects.length).toBeGreaterThan(0);
  expect(README).toContain(`one for \`${directory}/projects\``);
  for (const project of projects) expect(project.startsWith(`${directory}/projects/`)).toBe(true);
});

/** The same glob where `*` also crosses `/` (a glob library compiled without separators): the README's pattern must hold either way. */
function globMatchesAcrossSlashes(glob: string, path: string): boolean {
  const pattern = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${pattern}$`).test(path);
}

/** `{a,b}` alternatives, as Argo CD's include accepts them. */
function alternatives(glob: string): string[] {
  const braces = /^\{(.*)\}$/.exec(glob);
  return braces ? braces[1]!.split(",") : [glob];
}

it("README's previews root Application syncs exactly each team's preview project and each preview's Applications", () => {
  const block = /```yaml\n(apiVersion: argoproj\.io\/v1alpha1\nkind: Application\nmetadata: \{ name: paved-previews[\s\S]*?)```/.exec(README);
  expect(block, "README has the previews root Application").not.toBeNull();
  const root = parseYaml(block![1]!) as { spec: { source: { path: string; directory: { recurse: boolean; include: string } } } };
  const directory = /the org config says `gitops: \{ directory: ([a-z/]+) \}`/.exec(README)?.[1];
  const example = readFileSync(join(ROOT, "examples/paved.yml"), "utf8").replace(/^  directory: "".*$/m, `  directory: ${directory}`);
  const loaded = loadConfig(`${example}\npreviews: { from: staging }\n`, "paved.yml");
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const config = loaded.config!;
  const preview = renderPreview({
    manifestText: readFileSync(join(ROOT, "examples/platform.yaml"), "utf8"),
    manifestFile: "platform.yaml",
    config,
    source: { repository: "acme/payments", id: "1296269", sha: "a".repeat(40) },
    number: 7,
    templates: defaultTemplates(),
    now: new Date("2024-01-01T00:00:00Z"),
    keep: false,
  });
  if (!preview.ok) throw new Error(`${preview.reason}: ${preview.diagnostics.map((d) => d.message).join("; ")}`);
  const writes = previewWrites({ treeId: "empty", tree: new Map() }, new Map(), { write: [{ dir: preview.dir, files: preview.files }], remove: [] }, config);
  const tree = new Map(writes.map((w) => [w.path, w.content!]));
  const kindOf = (path: string) => (parseYaml(tree.get(path)!) as { kind: string }).kind;
  // What the root must apply: the Applications and the team's AppProject (each Application syncs its own folder).
  const wanted = [...tree.keys()].filter((path) => ["Application", "AppProject"].includes(kindOf(path)) && !path.includes("/manifests/")).sort();
  expect(wanted.filter((path) => kindOf(path) === "AppProject")).toEqual([`${directory}/previews/payments/project.yaml`]);
  expect(wanted.filter((path) => kindOf(path) === "Application").length).toBeGreaterThan(1);
  expect([...tree.keys()].some((path) => kindOf(path) === "Preview"), "the record is in the tree").toBe(true);

  const { path, directory: { recurse, include } } = root.spec.source;
  expect(recurse).toBe(true);
  expect(path).toBe(`${directory}/previews`);
  for (const matches of [globMatches, globMatchesAcrossSlashes]) {
    const synced = [...tree.keys()].filter((file) => file.startsWith(`${path}/`) && alternatives(include).some((glob) => matches(glob, file.slice(path.length + 1))));
    expect(synced.sort()).toEqual(wanted);
  }
});
