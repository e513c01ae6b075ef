/**
 * The identity of a built-in template's output, read without parsing it back: parsing every
 * rendered file was ~10% of a cold `paved plan`. The built-ins are ours and well-formed by
 * construction: fixed text around view-model values that are each one complete encoded scalar
 * (encode.ts), which test/render-injection.test.ts proves by parsing their output with two parsers
 * over hostile manifests. Each starts with its identity in a fixed layout; that head is all the
 * render needs (objects-identity.ts). Anything else (a second document, another layout, a scalar
 * not certainly a string) returns null and the output is parsed back as an org template's is.
 * An org's templates, including one that replaces a built-in, are always parsed back.
 */
import { decodeScalar } from "./helpers.js";
import type { ParseBack } from "./parse-back.js";

const HEAD = /^apiVersion: (.+)\nkind: (.+)\nmetadata:\n {2}name: (.+)\n {2}namespace: (.+)\n/;
/** A document marker at a line start: the output would hold more than one document. */
const MARKER = /^(?:---|\.\.\.)/m;
const ENCODED = /^"(?:[^"\\\n]|\\.)*"$/;
/** A template's own literal (`apps/v1`, `Deployment`): letters first, nothing YAML reads as another type. */
const LITERAL = /^[A-Za-z][A-Za-z0-9./-]*$/;
const NOT_STRINGS = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

function text(scalar: string): string | null {
  if (ENCODED.test(scalar)) return decodeScalar(scalar);
  return LITERAL.test(scalar) && !NOT_STRINGS.test(scalar) ? scalar : null;
}

/** The one object a built-in rendered, as far as its identity goes; null when the text must be parsed back. */
export function builtinObjects(output: string): ParseBack | null {
  const head = HEAD.exec(output);
  if (!head || MARKER.test(output)) return null;
  const [apiVersion, kind, name, namespace] = [head[1]!, head[2]!, head[3]!, head[4]!].map(text);
  if (!apiVersion || !kind || !name || namespace === null || namespace === undefined) return null;
  return { ok: true, documents: [{ apiVersion, kind, metadata: { name, namespace } }] };
}
