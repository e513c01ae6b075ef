/**
 * What every caller that judges a manifest runs: the manifest's own check (parse → schema → rules →
 * units, src/manifest) and then the org's policies over its units. The manifest knows nothing of
 * policies; policies take the units the manifest check resolved.
 */
import type { ResolvedConfig } from "../config/types.js";
import { sortDiagnostics } from "../core/diagnostic.js";
import { checkManifest, type ManifestCheck } from "../manifest/check.js";
import { evaluatePolicies } from "./index.js";

export function checkManifestAndPolicies(text: string, file: string, config: ResolvedConfig): ManifestCheck {
  return withPolicies(checkManifest(text, file, config), file, config);
}

/** A manifest check with the policies' diagnostics added (none when it resolved no units). */
export function withPolicies(check: ManifestCheck, file: string, config: ResolvedConfig): ManifestCheck {
  if (check.units.length === 0 || !check.sourceMap) return check;
  const policies = evaluatePolicies(check.units, config, file, check.sourceMap);
  return policies.length === 0 ? check : { ...check, diagnostics: sortDiagnostics([...check.diagnostics, ...policies]) };
}
