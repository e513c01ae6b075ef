/**
 * Compiled templates, in an isolated Handlebars environment per set: the built-ins from the specs
 * precompiled at build time (scripts/gen-templates.mjs, which also sets the options: YAML, not
 * HTML; strict; only the built-in helpers plus `concat`, no `log`), an org's own at run time with
 * the same options.
 */
import Handlebars from "handlebars";
import type { Finding } from "../core/diagnostic.js";
import { BUILTIN_TEMPLATE_SPECS, COMPILE_OPTIONS } from "../generated/templates.js";
import { templateFinding } from "./findings.js";
import { concat } from "./helpers.js";

export const TEMPLATE_SUFFIX = ".yaml.hbs";

export interface CompiledTemplate {
  /** The template's name without `.yaml.hbs`: `deployment`, or an org template's own name. */
  name: string;
  /** Where it came from, for diagnostics (`templates/deployment.yaml.hbs`). */
  file: string;
  /** Renders a view model; throws on a runtime error (see `runTemplate`). */
  render(view: object): string;
  /** One of Paved's own (precompiled, not replaced by an org's): its output needs no parse-back (builtin-output.ts). */
  builtin?: true;
}

export interface CompiledTemplateSet {
  templates: ReadonlyMap<string, CompiledTemplate>;
  /** Templates that did not compile, by name (a finding at the template's line): each is reported once and renders no file. */
  broken: ReadonlyMap<string, Finding>;
  /** What the set was compiled from: compiled functions cannot cross to a worker thread, these can. */
  sources: TemplateSources;
}

export interface TemplateSources {
  /** Compiled at run time (an org's); over the precompiled built-ins when `builtins` is set. */
  sources: Record<string, string>;
  files: Record<string, string>;
  builtins: boolean;
}

/** `deployment.yaml.hbs` → `deployment`. */
export function templateName(fileName: string): string {
  return fileName.endsWith(TEMPLATE_SUFFIX) ? fileName.slice(0, -TEMPLATE_SUFFIX.length) : fileName;
}

function environment(): typeof Handlebars {
  const env = Handlebars.create();
  env.registerHelper("concat", concat);
  return env;
}

/** The built-in templates, from their precompiled specs (`templates/<name>.yaml.hbs` in diagnostics). */
export function builtinTemplateSet(): CompiledTemplateSet {
  const env = environment();
  const templates = new Map<string, CompiledTemplate>();
  for (const key of Object.keys(BUILTIN_TEMPLATE_SPECS).sort()) {
    const template = env.template(BUILTIN_TEMPLATE_SPECS[key] as Parameters<typeof env.template>[0]);
    const name = templateName(key);
    templates.set(name, { name, file: `templates/${key}`, render: (view) => template(view), builtin: true });
  }
  return { templates, broken: new Map(), sources: { sources: {}, files: {}, builtins: true } };
}

/**
 * Compiles template sources keyed by file name (`deployment.yaml.hbs`) over a `base` set (none by
 * default): a source replaces the base's template of its name, also when it does not compile (it
 * is then reported and renders nothing). `files` gives the path to show in diagnostics for each
 * key; by default `templates/<key>`.
 */
export function compileTemplateSet(sources: Record<string, string>, files: Record<string, string> = {}, base?: CompiledTemplateSet): CompiledTemplateSet {
  const env = environment();
  const templates = new Map<string, CompiledTemplate>(base?.templates);
  const broken = new Map<string, Finding>(base?.broken);
  for (const key of Object.keys(sources).sort()) {
    const name = templateName(key);
    const file = files[key] ?? `templates/${key}`;
    try {
      const render = compileEagerly(env, sources[key]!);
      templates.set(name, { name, file, render });
      broken.delete(name);
    } catch (error) {
      templates.delete(name);
      broken.set(name, compileFinding(file, error));
    }
  }
  const own = { sources: { ...base?.sources.sources, ...sources }, files: { ...base?.sources.files, ...files } };
  return { templates, broken, sources: { ...own, builtins: base?.sources.builtins ?? false } };
}

/** The two stages Handlebars' `compile` runs lazily on first use; run now so errors surface at load. */
interface HandlebarsCompilers {
  Compiler: new () => { compile(ast: unknown, options: object): unknown };
  JavaScriptCompiler: new () => { compile(environment: unknown, options: object, context: undefined, asObject: true): unknown };
}

function compileEagerly(env: typeof Handlebars, text: string): (view: object) => string {
  const compilers = env as unknown as HandlebarsCompilers;
  const options = { ...COMPILE_OPTIONS, knownHelpers: { ...COMPILE_OPTIONS.knownHelpers } };
  const ast = env.parse(text);
  const environment = new compilers.Compiler().compile(ast, options);
  const spec = new compilers.JavaScriptCompiler().compile(environment, options, undefined, true);
  const template = env.template(spec as Parameters<typeof env.template>[0]);
  return (view) => template(view);
}

export interface TemplateError {
  message: string;
  line: number;
  column: number;
}

/** Line and column (1-based) of a Handlebars error, and a one-line message. */
export function templateError(error: unknown): TemplateError {
  const e = error as { message?: unknown; lineNumber?: unknown; column?: unknown };
  const raw = typeof e.message === "string" ? e.message : String(error);
  const parse = /^Parse error on line (\d+):\n(.*)\n.*\n.*got '([^']+)'/.exec(raw);
  if (parse) {
    // The parser's own message is a snippet, a caret line and every token it would accept.
    return { message: `syntax error near ${JSON.stringify(parse[2]!.replace(/\s+/g, " ").trim())} (unexpected ${parse[3]})`, line: Number(parse[1]), column: 1 };
  }
  const line = typeof e.lineNumber === "number" ? e.lineNumber : 1;
  const column = typeof e.column === "number" ? e.column + 1 : 1;
  // Handlebars appends " - line:column"; the diagnostic carries the location itself.
  const message = raw.replace(/ - \d+:\d+$/, "").replace(/\s+/g, " ").trim();
  return { message, line, column };
}

function compileFinding(file: string, error: unknown): Finding {
  const { message, line, column } = templateError(error);
  return templateFinding(file, "render-template-error", `template ${file} does not compile: ${message}`, line, column);
}
