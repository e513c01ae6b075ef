/**
 * The single-file CLI (cli/paved.mjs): committed as the current source builds it, and usable alone —
 * copied into an empty folder with no node_modules, plain `node` runs init, validate, render and schema,
 * reading the schemas and templates it carries inside.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const COMMITTED = join(ROOT, "cli", "paved.mjs");
const scratch = mkdtempSync(join(tmpdir(), "paved-cli-bundle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("commits a CLI bundle built from the current source (run `npm run build:cli`)", () => {
  const built = join(scratch, "built", "paved.mjs");
  execFileSync(process.execPath, [join(ROOT, "scripts/build-cli.mjs")], { env: { ...process.env, PAVED_CLI_OUT: built }, stdio: "pipe" });
  expect(readFileSync(COMMITTED, "utf8") === readFileSync(built, "utf8"), "cli/paved.mjs is stale: run npm run build:cli").toBe(true);
  expect(statSync(COMMITTED).mode & 0o111, "cli/paved.mjs is executable").not.toBe(0);
});

it("runs alone with plain node: init, validate, render and schema in an empty folder", () => {
  const project = join(scratch, "checkout");
  execFileSync("mkdir", ["-p", project]);
  copyFileSync(COMMITTED, join(project, "paved.mjs"));
  const paved = (...args: string[]) => spawnSync(process.execPath, ["paved.mjs", ...args], { cwd: project, encoding: "utf8", env: { ...process.env, NODE_PATH: "" } });

  expect(paved("--version").stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
  const init = paved("init", "--owner", "payments", "--service", "api");
  expect(init.stderr).toBe("");
  expect(init.stdout).toContain("platform.yaml: valid (1 unit)");
  expect(paved("validate").stdout).toBe("platform.yaml: valid (1 unit)\n");

  const render = paved("render", "--out", "out", "--source", "acme/payments");
  expect(render.stdout).toBe("platform.yaml: wrote 6 files for 1 unit to out\n");
  // The built-in templates, from inside the bundle.
  expect(readFileSync(join(project, "out/staging/payments-staging/api/manifests/deployment.yaml"), "utf8")).toMatch(/^kind: Deployment$/m);

  expect(JSON.parse(paved("schema", "config").stdout)).toEqual(JSON.parse(readFileSync(join(ROOT, "schemas/config.schema.json"), "utf8")));
});
