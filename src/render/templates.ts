/**
 * Compiling templates: once per template set, in an isolated Handlebars environment.
 * Options: `noEscape` (YAML, not HTML: the data is YAML-encoded already), `strict` (a template
 * naming a variable the view model lacks fails instead of printing nothing), `knownHelpersOnly`
 * (the built-in block helpers plus `concat`; `log` is off so templates cannot write to the
 * console).
 */
import Handlebars from "handlebars";
import type { Diagnostic } from "../core/diagnostic.js";
import { templateDiagnostic } from "./diagnostics.js";
import { concat } from "./helpers.js";

export const TEMPLATE_SUFFIX = ".yaml.hbs";

const COMPILE_OPTIONS = {
  noEscape: true,
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: { log: false, concat: true },
  data: true,
} as const;

export interface CompiledTemplate {
  /** The template's name without `.yaml.hbs`: `deployment`, or an org template's own name. */
  name: string;
  /** Where it came from, for diagnostics (`templates/deployment.yaml.hbs`). */
  file: string;
  /** Renders a view model; throws on a runtime error (see `runTemplate`). */
  render(view: object): string;
}

export interface CompiledTemplateSet {
  templates: ReadonlyMap<string, CompiledTemplate>;
  /** Templates that did not compile, by name: each is reported once and renders no file. */
  broken: ReadonlyMap<string, Diagnostic>;
  /** What the set was compiled from: compiled functions cannot cross to a worker thread, these can. */
  sources: TemplateSources;
}

export interface TemplateSources {
  sources: Record<string, string>;
  files: Record<string, string>;
}

/** `deployment.yaml.hbs` → `deployment`. */
export function templateName(fileName: string): string {
  return fileName.endsWith(TEMPLATE_SUFFIX) ? fileName.slice(0, -TEMPLATE_SUFFIX.length) : fileName;
}

/**
 * Compiles template sources keyed by file name (`deployment.yaml.hbs`). `files` gives the path to
 * show in diagnostics for each key; by default `templates/<key>`.
 */
export function compileTemplateSet(sources: Record<string, string>, files: Record<string, string> = {}): CompiledTemplateSet {
  const env = Handlebars.create();
  env.registerHelper("concat", concat);
  const templates = new Map<string, CompiledTemplate>();
  const broken = new Map<string, Diagnostic>();
  for (const key of Object.keys(sources).sort()) {
    const name = templateName(key);
    const file = files[key] ?? `templates/${key}`;
    try {
      const render = compileEagerly(env, sources[key]!);
      templates.set(name, { name, file, render });
      broken.delete(name);
    } catch (error) {
      templates.delete(name);
      broken.set(name, compileDiagnostic(file, error));
    }
  }
  return { templates, broken, sources: { sources: { ...sources }, files: { ...files } } };
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

function compileDiagnostic(file: string, error: unknown): Diagnostic {
  const { message, line, column } = templateError(error);
  return templateDiagnostic(file, "render-template-error", `template ${file} does not compile: ${message}`, line, column);
}
