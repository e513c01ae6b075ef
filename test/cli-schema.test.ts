/**
 * Where editors find Paved's schemas: `paved schema` prints them offline, and every modeline Paved
 * writes or documents names a schema that exists — a tag's raw URL for this version, or a path that
 * resolves from the file it is in. No placeholder domain.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliResult } from "./support/cli-world.js";

const ROOT = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; files: string[]; repository: { url: string } };
const REPOSITORY = /github\.com\/(.+?)\.git$/.exec(pkg.repository.url)![1]!;
const url = (name: string) => `https://raw.githubusercontent.com/${REPOSITORY}/v${pkg.version}/schemas/${name}.schema.json`;

function paved(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: ROOT });
}

const schemaFile = (name: string) => JSON.parse(readFileSync(join(ROOT, "schemas", `${name}.schema.json`), "utf8")) as unknown;

describe("paved schema", () => {
  it("prints the manifest schema by default and the config schema on request", async () => {
    const manifest = await paved("schema");
    expect(manifest.code).toBe(0);
    expect(JSON.parse(manifest.stdout)).toEqual(schemaFile("platform"));
    expect(JSON.parse((await paved("schema", "manifest")).stdout)).toEqual(schemaFile("platform"));
    expect(JSON.parse((await paved("schema", "config")).stdout)).toEqual(schemaFile("config"));
  });

  it("prints this version's URL with --url, and refuses an unknown schema", async () => {
    expect((await paved("schema", "--url")).stdout).toBe(`${url("platform")}\n`);
    expect((await paved("schema", "config", "--url")).stdout).toBe(`${url("config")}\n`);
    const wrong = await paved("schema", "confg");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe("paved schema: no schema `confg`; did you mean `config`?; write `manifest` or `config`\n");
    expect((await paved("--help")).stdout).toMatch(/^ {2}schema +Print the JSON Schema/m);
  });
});

/** Every `$schema=` of a yaml-language-server modeline in a text. */
function modelines(text: string): string[] {
  return [...text.matchAll(/yaml-language-server: \$schema=(\S+)/g)].map((m) => m[1]!);
}

function tree(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tree(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("modelines name a schema that exists", () => {
  it("the versioned URL points into this repository's tag at a file the package ships", () => {
    expect(REPOSITORY).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(pkg.files).toContain("schemas");
    for (const name of ["platform", "config"]) expect(existsSync(join(ROOT, "schemas", `${name}.schema.json`))).toBe(true);
  });

  it("README and docs use this version's URL (or a path), never a placeholder", () => {
    const docs = ["README.md", "action/README.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)];
    const found: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(join(ROOT, doc), "utf8");
      expect(text, doc).not.toMatch(/paved\.dev\/schemas/);
      for (const target of modelines(text)) {
        found.push(target);
        if (/^https?:/.test(target)) expect([url("platform"), url("config")], `${doc}: ${target}`).toContain(target);
      }
      for (const raw of text.matchAll(/raw\.githubusercontent\.com\/\S+?\.schema\.json/g)) {
        expect([url("platform"), url("config")].map((u) => u.replace("https://", "")), doc).toContain(raw[0]);
      }
    }
    expect(found).toContain(url("platform"));
  });

  it("each example's modeline resolves from the example's own folder to the schema of its kind", () => {
    const examples = tree(join(ROOT, "examples")).filter((f) => /\.ya?ml$/.test(f));
    let checked = 0;
    for (const file of examples) {
      const [target] = modelines(readFileSync(file, "utf8"));
      if (target === undefined) continue;
      checked += 1;
      const kind = /paved[^/]*\.yml$/.test(file) ? "config" : "platform";
      const where = /^https?:/.test(target) ? target : relative(ROOT, resolve(dirname(file), target));
      expect(where, relative(ROOT, file)).toBe(/^https?:/.test(target) ? url(kind) : `schemas/${kind}.schema.json`);
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
