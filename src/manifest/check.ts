/**
 * The manifest check, end to end: parse → schema → cross-field and config-aware rules →
 * resolve units → re-validate each unit → policies. Pure: text and config in, diagnostics and
 * units out. Later stages run only when earlier ones leave the document safe to read.
 */
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import { parsePointer } from "../core/pointer.js";
import type { Unit } from "../core/unit.js";
import type { PlatformManifest, Service } from "../generated/platform.js";
import { evaluatePolicies } from "../policy/index.js";
import { getOwn, isJsonObject } from "./merge-patch.js";
import { parseYaml, type SourceMap } from "./parse.js";
import { resolveDrafts, servicePath, type UnitDraft } from "./resolve.js";
import { baseView, namespaceRule, serviceRules, unknownEnvironments, unknownServices, type Finding, type ServiceView } from "./rules.js";
import { schemaDiagnostics } from "./schema-errors.js";
import { dotted, serviceSchemaErrors, siteIn, validateManifestSchema } from "./schema.js";

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
  const parsed = parseYaml(text, file);
  const { sourceMap } = parsed;
  const diagnostics = [...parsed.diagnostics];
  const done = (units: Unit[] = [], manifest?: PlatformManifest): ManifestCheck => ({
    diagnostics: sortDiagnostics(diagnostics),
    units,
    ...(manifest ? { manifest } : {}),
    sourceMap,
  });
  if (hasErrors(diagnostics)) return done();

  const rootProblem = checkRoot(parsed.value, file, sourceMap);
  if (rootProblem) {
    diagnostics.push(rootProblem);
    return done();
  }
  diagnostics.push(...validateManifestSchema(parsed.value, file, sourceMap));
  if (hasErrors(diagnostics)) return done();
  const manifest = parsed.value as PlatformManifest;

  const report = reporter(parsed.value, file, sourceMap, diagnostics);
  for (const finding of [...unknownEnvironments(manifest, config), ...unknownServices(manifest)]) report(finding);
  for (const [name, service] of Object.entries(manifest.services)) {
    for (const finding of serviceRules(baseView(name, service), config)) report(finding);
  }

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
        }),
      );
      continue;
    }
    for (const finding of serviceRules(view, config)) report(finding, prefix);
    for (const finding of namespaceRule(draft.unit, environment.namespace)) report(finding);
    units.push(draft.unit);
  }

  diagnostics.push(...evaluatePolicies(units, config, file, sourceMap));
  return done(units, manifest);
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
function reporter(root: unknown, file: string, sourceMap: SourceMap, diagnostics: Diagnostic[]) {
  const seen = new Set<string>();
  return (finding: Finding, prefix = ""): void => {
    const key = `${finding.code}\0${finding.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    const site = siteIn(sourceMap, finding.path, isScalarAt(root, finding.path) ? "value" : "key");
    diagnostics.push({
      severity: finding.severity ?? "error",
      code: finding.code,
      message: prefix + finding.message,
      file,
      line: site.line,
      column: site.column,
      path: site.path,
    });
  };
}

function isScalarAt(root: unknown, path: string): boolean {
  let node: unknown = root;
  for (const token of parsePointer(path)) {
    if (isJsonObject(node)) node = getOwn(node, token);
    else if (Array.isArray(node)) node = node[Number(token)];
    else return false;
  }
  return node === null || (node !== undefined && typeof node !== "object");
}

/** A unit as the rules see it: fields located by origin, removals at the override's `null`. */
function unitView(draft: UnitDraft, environment: ServiceView["environment"]): ServiceView {
  const { unit, removed } = draft;
  return {
    name: unit.service,
    ...(environment ? { environment } : {}),
    service: draft.merged as unknown as Service,
    locate(field) {
      let current = field;
      while (current !== "") {
        const found = unit.origins[current] ?? removed[current];
        if (found !== undefined) return found;
        current = current.slice(0, current.lastIndexOf("/"));
      }
      return servicePath(unit.service);
    },
  };
}
