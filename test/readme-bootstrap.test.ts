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
