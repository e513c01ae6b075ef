/**
 * Policies over resolved units: the built-ins, then the org's declared policies, each failure
 * located at the line the value came from (override, base field, or the service key).
 */
import type { ResolvedConfig } from "../config/types.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { Unit } from "../core/unit.js";
import type { SourceMap } from "../document/parse.js";
import { siteIn, type Site } from "../document/site.js";
import { listNames } from "../document/suggest.js";
import { builtinFindings, type PolicyFinding } from "./builtins.js";
import { compilePolicies } from "../config/declared-policies.js";
import { declaredFindings } from "./declared.js";
import { unitFieldSite } from "./locate.js";

export { BUILTIN_POLICY_IDS, compilePolicies } from "../config/declared-policies.js";
export { parseImage } from "./builtins.js";
export { policyView } from "./declared.js";

export function evaluatePolicies(units: Unit[], config: ResolvedConfig, file: string, sourceMap: SourceMap): Diagnostic[] {
  const compiled = compilePolicies(config.policies);
  // Units failing the same way at the same place (a base field shared by environments) are one
  // problem: one diagnostic that names every environment it affects.
  const groups = new Map<string, { finding: PolicyFinding; site: Site; environments: string[] }>();
  for (const unit of units) {
    for (const finding of [...builtinFindings(unit, config), ...declaredFindings(unit, compiled)]) {
      const site = locate(unit, finding, sourceMap);
      const text = typeof finding.message === "string" ? finding.message : finding.message("\0");
      const key = `${finding.code}\0${site.path}\0${text}`;
      const group = groups.get(key);
      if (group) {
        if (!group.environments.includes(unit.environment)) group.environments.push(unit.environment);
      } else {
        groups.set(key, { finding, site, environments: [unit.environment] });
      }
    }
  }
  return [...groups.values()].map(({ finding, site, environments }) => ({
    severity: finding.severity,
    code: finding.code,
    message: typeof finding.message === "string" ? finding.message : finding.message(listNames(environments)),
    file,
    line: site.line,
    column: site.column,
    path: site.path,
  }));
}

function locate(unit: Unit, finding: PolicyFinding, sourceMap: SourceMap): Site {
  return finding.manifestPath !== undefined
    ? siteIn(sourceMap, finding.manifestPath, "value")
    : unitFieldSite(unit, finding.field, sourceMap);
}
