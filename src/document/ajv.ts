/**
 * The one place a JSON Schema validator is built at run time, for schemas an org writes (declared
 * policies, a chart's values schema). Their patterns run on values a pull request chooses, so every
 * `pattern` and `patternProperties` key compiles on RE2 (core/linear-regexp.ts): linear time on any
 * value. Paved's own schemas are compiled at build time by scripts/gen-validators.mjs, which runs
 * before this TypeScript is built and emits standalone code; their patterns are the package's own.
 */
import { Ajv, type Options } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { linearRegExp } from "../core/linear-regexp.js";

export type SchemaDialect = "draft-07" | "2019-09" | "2020-12";

/** The dialect a schema's `$schema` names; draft-07 when it names none (what most charts write). */
export function dialectOf(schema: object): SchemaDialect {
  const declared = String((schema as { $schema?: unknown }).$schema ?? "");
  return declared.includes("2020-12") ? "2020-12" : declared.includes("2019-09") ? "2019-09" : "draft-07";
}

/** A fresh Ajv for `dialect` with formats and the linear-time pattern engine; `options` add the caller's strictness. */
export function createAjv(dialect: SchemaDialect, options: Omit<Options, "code"> = {}): Ajv {
  const all: Options = { ...options, code: { regExp: linearRegExp } };
  const ajv = dialect === "2020-12" ? new Ajv2020(all) : dialect === "2019-09" ? new Ajv2019(all) : new Ajv(all);
  addFormats.default(ajv);
  return ajv;
}
