/**
 * Reading template files: the built-in set shipped in the package's `templates/` folder, and an
 * org folder (`render.templates`) whose `*.yaml.hbs` files replace built-ins by name or add
 * unit-level templates. The only file I/O of the render step.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { listPackageFolder, readPackageText } from "../core/package-root.js";
import { compileTemplateSet, TEMPLATE_SUFFIX, type CompiledTemplateSet } from "./templates.js";

interface TemplateFiles {
  sources: Record<string, string>;
  files: Record<string, string>;
}

function readTemplateDir(dir: string, display: (name: string) => string): TemplateFiles {
  const sources: Record<string, string> = {};
  const files: Record<string, string> = {};
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(TEMPLATE_SUFFIX))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    sources[name] = readFileSync(join(dir, name), "utf8");
    files[name] = display(name);
  }
  return { sources, files };
}

let builtinFiles: TemplateFiles | undefined;
let builtinSet: CompiledTemplateSet | undefined;

/** `templates/` shipped with the package (see package-root.ts). */
function builtins(): TemplateFiles {
  if (!builtinFiles) {
    const names = listPackageFolder("templates").filter((name) => name.endsWith(TEMPLATE_SUFFIX));
    builtinFiles = {
      sources: Object.fromEntries(names.map((name) => [name, readPackageText("templates", name)])),
      files: Object.fromEntries(names.map((name) => [name, `templates/${name}`])),
    };
  }
  return builtinFiles;
}

/** The built-in templates, read and compiled once per process (static package data). */
export function defaultTemplates(): CompiledTemplateSet {
  builtinSet ??= compileTemplateSet(builtins().sources, builtins().files);
  return builtinSet;
}

/** Built-ins overlaid with the `*.yaml.hbs` files of `dir` (none when `dir` is null). */
export function loadTemplateSet(dir: string | null): CompiledTemplateSet {
  if (dir === null) return defaultTemplates();
  const own = readTemplateDir(dir, (name) => join(dir, name));
  return compileTemplateSet({ ...builtins().sources, ...own.sources }, { ...builtins().files, ...own.files });
}

/** Built-ins overlaid with template sources read elsewhere (the app reads the org's from GitHub). */
export function templateSetWith(sources: Record<string, string>, files: Record<string, string>): CompiledTemplateSet {
  return compileTemplateSet({ ...builtins().sources, ...sources }, { ...builtins().files, ...files });
}
