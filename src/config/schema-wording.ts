/**
 * What schema errors say about the org config's fields (passed to document/schema-errors.ts). The
 * missing-`apiVersion` advice is the manifest's sentence, which a dependency type without
 * `apiVersion` has always received; kept word for word (#12 changes no message).
 */
import type { SchemaWording } from "../document/schema-errors.js";
import { patternWords } from "../document/pattern-words.js";

export const CONFIG_WORDING: SchemaWording = {
  missingAdvice: { apiVersion: "; add `apiVersion: paved.dev/v1`" },
  patternWords,
};
