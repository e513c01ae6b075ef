/**
 * A declared policy's assertion is checked against the 2020-12 meta-schema by a validator compiled at
 * build time (src/config/declared-policies.ts): it must judge every assertion as Ajv's own check of the
 * meta-schema does, at the same step of compile() (an invalid `$anchor` is still reported as Ajv's
 * reference check words it) and with the same words.
 */
import { expect, it } from "vitest";
import { compilePolicies } from "../src/config/declared-policies.js";
import { createAjv } from "../src/document/ajv.js";

const ASSERTIONS: unknown[] = [
  { type: "object", properties: { replicas: { type: "integer", minimum: 2 } } },
  { $schema: "https://json-schema.org/draft/2020-12/schema", type: "objekt" },
  { $schema: "", minimum: "2" },
  { properties: { a: { type: 1, minLength: -1 } } },
  { required: "x" },
  { allOf: [] },
  { items: { $ref: 3 } },
  { $anchor: "1bad" },
  { $id: 3, format: 2 },
  { properties: { a: { properties: { b: { anyOf: [{ type: "strin" }] } } } } },
  { dependentRequired: { a: [1] } },
  { unevaluatedProperties: 3, contains: [] },
  { $schema: 0, type: "object" },
  { $schema: "http://json-schema.org/draft-07/schema#", type: "object" },
  [],
  true,
];

/** What compile() threw with Ajv compiling the meta-schema itself (the options are the policies'). */
function ajvOwnWords(assertion: unknown): string | undefined {
  const ajv = createAjv("2020-12", { allErrors: true, verbose: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true, logger: false });
  try {
    ajv.compile(assertion as object);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^strict mode: /, "");
  }
}

it.each(ASSERTIONS.map((assertion) => [JSON.stringify(assertion), assertion]))("judges %s as Ajv's own meta-schema check does", (_, assertion) => {
  const [compiled] = compilePolicies([{ id: "checked", assert: assertion as never }]);
  const words = ajvOwnWords(assertion);
  if (words === undefined) expect(compiled!.error).toBeUndefined();
  else expect(compiled!.error).toBe(`the assertion is not a valid JSON Schema: ${words}`);
});
