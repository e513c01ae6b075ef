/**
 * A new user's install without a registry entry for Paved: `npm pack` makes the tarball, and an empty
 * project installs it and runs `npx paved init`, `validate`, `render` and `schema`.
 *
 * Offline: the project installs with `npm ci --offline` from a lockfile that pins Paved's runtime
 * dependencies exactly as this repository's package-lock.json does, so every tarball it needs is the
 * one the repository's own `npm ci` already put in npm's cache (CI runs that first; a fresh machine
 * has it too). No network, and no resolution that could pick a version the suite never ran.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown> & { name: string; version: string };
const project = mkdtempSync(join(tmpdir(), "paved-install-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });

interface LockEntry {
  dev?: boolean;
  [key: string]: unknown;
}

beforeAll(() => {
  // dist/ is built by `pretest`; packing must not rebuild it (that is `prepare`, run by npm install).
  const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", project], ROOT)) as Array<{ filename: string }>;
  const tarball = packed[0]!.filename;
  const integrity = `sha512-${createHash("sha512").update(readFileSync(join(project, tarball))).digest("base64")}`;
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const runtime = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith("node_modules/") && !entry.dev);
  const dependency = { paved: `file:${tarball}` };
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "checkout-api", version: "1.0.0", private: true, dependencies: dependency }, null, 2));
  const paved = { version: pkg.version, resolved: `file:${tarball}`, integrity, license: pkg.license, dependencies: pkg.dependencies, optionalDependencies: pkg.optionalDependencies, bin: pkg.bin, engines: pkg.engines };
  const lockfile = { name: "checkout-api", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "checkout-api", version: "1.0.0", dependencies: dependency }, "node_modules/paved": paved, ...Object.fromEntries(runtime) } };
  writeFileSync(join(project, "package-lock.json"), JSON.stringify(lockfile, null, 2));
  npm(["ci", "--offline", "--no-audit", "--no-fund"], project);
}, 300_000);

function npx(...args: string[]) {
  return spawnSync("npx", ["--offline", "--no-install", "paved", ...args], { cwd: project, encoding: "utf8" });
}

it("installs only what a user needs: no sources, tests or dev tools", () => {
  const installed = join(project, "node_modules", "paved");
  for (const path of ["bin/paved.js", "dist/cli/paved.mjs", "dist/cli/main.js", "schemas/platform.schema.json", "schemas/config.schema.json", "templates/deployment.yaml.hbs", "examples/platform.yaml"]) {
    expect(existsSync(join(installed, path)), path).toBe(true);
  }
  for (const path of ["src", "test", "node_modules/vitest", "../vitest", "../typescript"]) expect(existsSync(join(installed, path)), path).toBe(false);
});

it("runs npx paved init, validate, render and schema in the empty project", () => {
  const init = npx("init", "--owner", "payments", "--service", "api");
  expect(init.stderr).toBe("");
  expect(init.status).toBe(0);
  expect(init.stdout).toContain("platform.yaml: valid (1 unit)");
  // The modeline `paved init` suggests for offline editors resolves in this project.
  expect(readFileSync(join(project, "platform.yaml"), "utf8")).toContain("./node_modules/paved/schemas/platform.schema.json");

  const validate = npx("validate");
  expect(validate.stdout).toBe("platform.yaml: valid (1 unit)\n");
  expect(validate.status).toBe(0);

  const render = npx("render", "--out", "out", "--source", "acme/checkout");
  expect(render.status).toBe(0);
  expect(render.stdout).toBe("platform.yaml: wrote 6 files for 1 unit to out\n");
  expect(readFileSync(join(project, "out/staging/payments-staging/api/manifests/deployment.yaml"), "utf8")).toMatch(/^kind: Deployment$/m);

  writeFileSync(join(project, "platform.yaml"), readFileSync(join(project, "platform.yaml"), "utf8").replace("memory: 128Mi", "memory: 128MB"));
  const invalid = npx("validate");
  expect(invalid.status).toBe(1);
  expect(invalid.stdout).toMatch(/^platform\.yaml:\d+:\d+: error: .*128MB.*128Mi/m);

  expect(JSON.parse(npx("schema").stdout)).toEqual(JSON.parse(readFileSync(join(ROOT, "schemas/platform.schema.json"), "utf8")));
});
