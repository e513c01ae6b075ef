/**
 * Every file an org's template renders is parsed back before it is accepted: a template that
 * produces invalid YAML, or an object Kubernetes could not identify, never reaches the GitOps
 * repository. The core schema only: no timestamps, binaries or other implicit types. A built-in
 * template's output is well-formed by construction and skips this (builtin-output.ts), unless its
 * head is not in the fixed layout.
 */
// js-yaml, not `yaml`: the parse-back of rendered files wants the fast loader and its strict CORE_SCHEMA, not source maps.
import yaml from "js-yaml";

export type ParseBack = { ok: true; documents: unknown[] } | { ok: false; message: string; line: number; column: number };

/** `\n` line endings and exactly one trailing newline, whatever the template's own line endings. */
export function normalizeOutput(text: string): string {
  const unix = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  // Usually already so: return the same string rather than a trimmed copy plus "\n" (`\s` is what trimEnd trims).
  if (unix.endsWith("\n") && !/\s/.test(unix.charAt(unix.length - 2))) return unix;
  return unix.trimEnd() + "\n";
}

function parse(text: string): ParseBack {
  try {
    const documents = yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }).filter((doc) => doc !== null && doc !== undefined);
    return { ok: true, documents };
  } catch (error) {
    const e = error as { reason?: string; message?: string; mark?: { line: number; column: number } };
    return { ok: false, message: e.reason ?? e.message ?? String(error), line: (e.mark?.line ?? 0) + 1, column: (e.mark?.column ?? 0) + 1 };
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

/** Kubernetes-style objects: each document needs `apiVersion`, `kind` and `metadata.name`. An empty file has no documents. */
export function parseObjects(text: string): ParseBack {
  const parsed = parse(text);
  if (!parsed.ok) return parsed;
  for (const [index, doc] of parsed.documents.entries()) {
    const where = parsed.documents.length > 1 ? ` (document ${index + 1})` : "";
    if (!isMapping(doc)) return { ok: false, message: `the output${where} is not a mapping`, line: 1, column: 1 };
    const missing = ["apiVersion", "kind"].filter((key) => !nonEmptyString(doc[key]));
    if (!isMapping(doc.metadata) || !nonEmptyString(doc.metadata.name)) missing.push("metadata.name");
    if (missing.length > 0) return { ok: false, message: `the output${where} has no ${missing.join(", ")}`, line: 1, column: 1 };
  }
  return parsed;
}

/** Helm values: exactly one mapping. */
export function parseValues(text: string): ParseBack {
  const parsed = parse(text);
  if (!parsed.ok) return parsed;
  if (parsed.documents.length !== 1 || !isMapping(parsed.documents[0])) {
    return { ok: false, message: "values must be one YAML mapping", line: 1, column: 1 };
  }
  return parsed;
}
