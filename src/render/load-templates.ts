/**
 * Template sets: the built-ins shipped in the package's `templates/` folder (precompiled at build
 * time), and an org folder (`render.templates`) whose `*.yaml.hbs` files replace built-ins by name
 * or add unit-level templates, compiled when read. The only file I/O of the render step.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { builtinTemplateSet, compileTemplateSet, TEMPLATE_SUFFIX, type CompiledTemplateSet } from "./templates.js";

interface TemplateFiles {
  sources: Record<string, string>;
  files: Record<string, string>;
}

function readTemplateDir(dir: string): TemplateFiles {
  const sources: Record<string, string> = {};
  const files: Record<string, string> = {};
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(TEMPLATE_SUFFIX))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    sources[name] = readFileSync(join(dir, name), "utf8");
    files[name] = join(dir, name);
  }
  return { sources, files };
}

let builtinSet: CompiledTemplateSet | undefined;

/** The built-in templates, set up once per process (static package data). */
export function defaultTemplates(): CompiledTemplateSet {
  builtinSet ??= builtinTemplateSet();
  return builtinSet;
}

/** Built-ins overlaid with the `*.yaml.hbs` files of `dir` (none when `dir` is null). */
export function loadTemplateSet(dir: string | null): CompiledTemplateSet {
  if (dir === null) return defaultTemplates();
  const own = readTemplateDir(dir);
  return compileTemplateSet(own.sources, own.files, defaultTemplates());
}

/** Built-ins overlaid with template sources read elsewhere (the app reads the org's from GitHub). */
export function templateSetWith(sources: Record<string, string>, files: Record<string, string>): CompiledTemplateSet {
  return compileTemplateSet(sources, files, defaultTemplates());
}
