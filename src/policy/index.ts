/**
 * Policies over resolved units: the built-ins, then the org's declared policies, each failure
 * located at the line the value came from (override, base field, or the service key).
 */
import type { ResolvedConfig } from "../config/types.js";
import type { Diagnostic, Finding, FindingLocation } from "../core/diagnostic.js";
import type { Unit } from "../core/unit.js";
import type { SourceMap } from "../document/parse.js";
import { locateFinding } from "../document/locate.js";
import { listNames } from "../document/suggest.js";
import { builtinFindings, type PolicyFinding } from "./builtins.js";
import { compilePolicies } from "../config/declared-policies.js";
import { declaredFindings } from "./declared.js";
import { unitFieldLocation } from "./locate.js";

export { BUILTIN_POLICY_IDS, compilePolicies } from "../config/declared-policies.js";
export { parseImage } from "./builtins.js";
export { policyView } from "./declared.js";

export function evaluatePolicies(units: Unit[], config: ResolvedConfig, file: string, sourceMap: SourceMap): Diagnostic[] {
  return policyFindings(units, config, file).map((finding) => locateFinding(finding, { file, sourceMap }));
}

/** What the policies find, about manifest `document`, before anything is located in it. */
export function policyFindings(units: Unit[], config: ResolvedConfig, document: string): Finding[] {
  const compiled = compilePolicies(config.policies);
  // Units failing the same way at the same place (a base field shared by environments) are one
  // problem: one finding that names every environment it affects.
  const groups = new Map<string, { finding: PolicyFinding; at: FindingLocation; environments: string[] }>();
  for (const unit of units) {
    for (const finding of [...builtinFindings(unit, config), ...declaredFindings(unit, compiled)]) {
      const at = locate(unit, finding, document);
      const text = typeof finding.message === "string" ? finding.message : finding.message("\0");
      const key = `${finding.code}\0${at.pointer}\0${text}`;
      const group = groups.get(key);
      if (group) {
        if (!group.environments.includes(unit.environment)) group.environments.push(unit.environment);
      } else {
        groups.set(key, { finding, at, environments: [unit.environment] });
      }
    }
  }
  return [...groups.values()].map(({ finding, at, environments }) => ({
    severity: finding.severity,
    code: finding.code,
    message: typeof finding.message === "string" ? finding.message : finding.message(listNames(environments)),
    at,
  }));
}

function locate(unit: Unit, finding: PolicyFinding, document: string): FindingLocation {
  return finding.manifestPath !== undefined
    ? { document, pointer: finding.manifestPath, side: "value" }
    : unitFieldLocation(unit, finding.field, document);
}
