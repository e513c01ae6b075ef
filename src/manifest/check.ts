/**
 * The manifest check, end to end: parse → schema → cross-field and config-aware rules →
 * resolve units → re-validate each unit. Pure: text and config in, diagnostics and units out.
 * Later stages run only when earlier ones leave the document safe to read. The org's policies
 * judge the units afterwards (policy/checked-manifest.ts), so the manifest needs no policy.
 */
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import { escapePointerToken, parsePointer, valueAt } from "../core/pointer.js";
import type { Unit } from "../core/unit.js";
import type { PlatformManifest, Service } from "../generated/platform.js";
import { getOwn, isJsonObject, setOwn, type JsonObject } from "../document/own.js";
import { nameFindings } from "./name-rules.js";
import { parseYaml, type SourceMap } from "../document/parse.js";
import { originOf, resolveDrafts, type UnitDraft } from "./resolve.js";
import { baseView, namespaceRule, secretKeyScope, serviceRules, unknownEnvironments, unknownServices, type RuleFinding, type ServiceView } from "./rules.js";
import { schemaDiagnostics } from "../document/schema-errors.js";
import { locateFinding } from "../document/locate.js";
import { dotted, siteIn } from "../document/site.js";
import { serviceSchemaErrors, validateManifestSchema } from "./schema.js";
import { MANIFEST_WORDING } from "./schema-wording.js";

export interface ManifestCheck {
  /** Every problem, sorted by file, line, column and code. */
  diagnostics: Diagnostic[];
  /**
   * The units whose merged service passed the schema; empty when the manifest could not be read or
   * failed its schema. With errors in `diagnostics`, a unit may still be incomplete (an ingress
   * without a host in an environment without a domain has `host: ""`): render nothing then.
   */
  units: Unit[];
  /** The manifest, present once it passed the schema. */
  manifest?: PlatformManifest;
  sourceMap?: SourceMap;
}

export function checkManifest(text: string, file: string, config: ResolvedConfig): ManifestCheck {
  return resolveManifest(validateManifest(text, file, config), file, config);
}

/** The document-level half of the check: parse, schema, and the rules about each service as written. */
export interface ManifestValidation {
  /** Unsorted; `resolveManifest` adds to them and sorts. */
  diagnostics: Diagnostic[];
  sourceMap: SourceMap;
  /** The parsed document. */
  value: unknown;
  /** Present once the document passed the schema: the units can be resolved. */
  manifest?: PlatformManifest;
  /** Findings reported so far (code and location), so a unit does not repeat what its base has. */
  reported: Set<string>;
}

/** Parse → schema → cross-field and config-aware rules on the base services. */
export function validateManifest(text: string, file: string, config: ResolvedConfig): ManifestValidation {
  const parsed = parseYaml(text, file);
  const { sourceMap } = parsed;
  const validation: ManifestValidation = { diagnostics: [...parsed.diagnostics], sourceMap, value: parsed.value, reported: new Set() };
  const { diagnostics } = validation;
  if (hasErrors(diagnostics)) return validation;

  const rootProblem = checkRoot(parsed.value, file, sourceMap);
  if (rootProblem) {
    diagnostics.push(rootProblem);
    return validation;
  }
  envAsWritten(parsed.value as JsonObject, parsed.literals);
  diagnostics.push(...validateManifestSchema(parsed.value, file, sourceMap));
  if (hasErrors(diagnostics)) return validation;
  const manifest = parsed.value as PlatformManifest;

  const report = reporter(validation, file);
  for (const finding of [...unknownEnvironments(manifest, config), ...unknownServices(manifest)]) report(finding);
  for (const [name, service] of Object.entries(manifest.services)) {
    for (const finding of serviceRules(baseView(name, service), config)) report(finding);
  }
  validation.manifest = manifest;
  return validation;
}

/** Resolve units (base ⊕ environment override ⊕ defaults) → re-validate each unit. */
export function resolveManifest(validation: ManifestValidation, file: string, config: ResolvedConfig): ManifestCheck {
  const { sourceMap, manifest } = validation;
  const diagnostics = [...validation.diagnostics];
  const done = (units: Unit[] = []): ManifestCheck => ({
    diagnostics: sortDiagnostics(diagnostics),
    units,
    ...(manifest ? { manifest } : {}),
    sourceMap,
  });
  if (!manifest) return done();

  // Copies: resolving the same validation twice gives the same result.
  const report = reporter({ ...validation, diagnostics, reported: new Set(validation.reported) }, file);
  const units: Unit[] = [];
  for (const draft of resolveDrafts(manifest, config)) {
    const environment = config.environments.find((e) => e.name === draft.unit.environment)!;
    const prefix = `in \`${environment.name}\`, `;
    const view = unitView(draft, environment);
    const errors = serviceSchemaErrors(draft.merged);
    if (errors.length > 0) {
      // Only an override can make a schema-valid base invalid: point at what it wrote.
      diagnostics.push(
        ...schemaDiagnostics(errors, {
          file,
          prefix,
          site: (path, at) => siteIn(sourceMap, view.locate(path), at),
          describe: (path) => (path === "" ? `service \`${draft.unit.service}\`` : `\`${dotted(parsePointer(path))}\``),
          wording: MANIFEST_WORDING,
        }),
      );
      continue;
    }
    for (const finding of serviceRules(view, config)) report(finding, prefix);
    for (const finding of namespaceRule(draft.unit, environment.namespace, config.argocd.namespace)) report(finding);
    for (const finding of secretKeyScope(draft.unit, config.secretStore.keyPrefix)) report(finding);
    units.push(draft.unit);
  }
  for (const finding of nameFindings(units, config)) report(finding);
  return done(units);
}

/**
 * Env values are rendered as strings, so a number or boolean becomes the text the author wrote:
 * `0123`, `1.10`, `1e3`, `0x1F`, `12345678901234567890` and `True` reach the container exactly,
 * not as what a YAML parser makes of them (`123`, `1.1`, `1000`, `31`, `12345678901234567000`, `true`).
 */
function envAsWritten(root: JsonObject, literals: ReadonlyMap<string, string>): void {
  const envOf = (services: unknown, prefix: string): void => {
    if (!isJsonObject(services)) return;
    for (const [name, service] of Object.entries(services)) {
      const env = isJsonObject(service) ? getOwn(service, "env") : undefined;
      if (!isJsonObject(env)) continue;
      const base = `${prefix}/${escapePointerToken(name)}/env/`;
      for (const [key, value] of Object.entries(env)) {
        if (typeof value !== "number" && typeof value !== "boolean") continue;
        const written = literals.get(base + escapePointerToken(key));
        if (written !== undefined) setOwn(env, key, written);
      }
    }
  };
  envOf(getOwn(root, "services"), "/services");
  const environments = getOwn(root, "environments");
  if (!isJsonObject(environments)) return;
  for (const [name, environment] of Object.entries(environments)) {
    if (isJsonObject(environment)) envOf(getOwn(environment, "services"), `/environments/${escapePointerToken(name)}/services`);
  }
}

/** The empty file and a non-mapping root get a sentence of their own, before the schema. */
function checkRoot(value: unknown, file: string, sourceMap: SourceMap): Diagnostic | undefined {
  if (isJsonObject(value)) return undefined;
  const at = sourceMap.locate("");
  const message =
    value === null || value === undefined
      ? "the manifest is empty; start it with `apiVersion: paved.dev/v1`, `owner:` and `services:`"
      : `the manifest must be a mapping of fields (\`apiVersion\`, \`owner\`, \`services\`, …), not ${Array.isArray(value) ? "a list" : "a single value"}`;
  return { severity: "error", code: "invalid-type", message, file, line: at.line, column: at.column, path: "" };
}

/**
 * Turns findings into diagnostics, once per (code, location): a problem a unit inherits from its
 * base is already reported at the base.
 */
function reporter(into: Pick<ManifestValidation, "value" | "sourceMap" | "diagnostics" | "reported">, file: string) {
  const { value: root, sourceMap, diagnostics, reported: seen } = into;
  return (finding: RuleFinding, prefix = ""): void => {
    const key = `${finding.code}\0${finding.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    const side = isScalarAt(root, finding.path) ? "value" : "key";
    diagnostics.push(
      locateFinding(
        { severity: finding.severity ?? "error", code: finding.code, message: prefix + finding.message, at: { document: file, pointer: finding.path, side } },
        { file, sourceMap },
      ),
    );
  };
}

function isScalarAt(root: unknown, path: string): boolean {
  const node = valueAt(root, path);
  return node === null || (node !== undefined && typeof node !== "object");
}

/** A unit as the rules see it: fields located by origin, removals at the override's `null`. */
function unitView(draft: UnitDraft, environment: ServiceView["environment"]): ServiceView {
  const { unit, removed } = draft;
  return {
    name: unit.service,
    ...(environment ? { environment } : {}),
    service: draft.merged as unknown as Service,
    locate: (field) => originOf(unit, field, removed),
  };
}
