import type { ResolvedConfig } from "../config/types.js";
import type { ClaimOwner, RenderResult, Source } from "../core/files.js";
import type { Unit } from "../core/unit.js";
import { buildOwnershipIndex, formatIndex, withDeployed } from "./ownership-index.js";
import { indexPath } from "./paths.js";
import type { DesiredState } from "./types.js";
import type { Deployed, EnvironmentTarget } from "./promotion.js";

/**
 * One desired state for a source whose environments run different commits: each environment's
 * units and files come from the state rendered at its commit; files outside every unit (catalog
 * entries, team projects) from `head`, the newest commit. The index lists it all and records `deployed`.
 * Pure; every state must be valid (the caller says which commit was not).
 */
export function composeDeployment(
  head: DesiredState,
  byCommit: ReadonlyMap<string, DesiredState>,
  targets: EnvironmentTarget[],
  deployed: Deployed,
  source: Source,
  config: ResolvedConfig,
): DesiredState {
  const units: Unit[] = [];
  const renderedUnits: RenderResult["units"] = [];
  const files = new Map<string, string>();
  const claims = new Map<string, ClaimOwner>();
  const inUnits = new Set<string>();
  for (const state of [head, ...byCommit.values()]) for (const u of state.rendered.units) for (const p of u.paths) inUnits.add(p);
  // Bookkeeping and team files follow the newest manifest.
  for (const [path, content] of head.rendered.files) if (!inUnits.has(path)) files.set(path, content);
  for (const target of targets) {
    if (target.commit === null) continue;
    const state = byCommit.get(target.commit);
    if (!state) throw new Error(`no rendered state for ${target.commit} (${target.environment})`);
    units.push(...state.units.filter((u) => u.environment === target.environment));
    for (const unit of state.rendered.units.filter((u) => u.environment === target.environment)) {
      renderedUnits.push(unit);
      for (const path of unit.paths) {
        const content = state.rendered.files.get(path);
        if (content !== undefined) files.set(path, content);
      }
    }
    for (const [path, owner] of state.rendered.claims ?? []) if (owner.environment === target.environment) claims.set(path, owner);
  }
  const catalog = head.rendered.owned.filter((p) => !inUnits.has(p));
  const rendered: RenderResult = {
    files,
    units: renderedUnits,
    owned: [...catalog, ...renderedUnits.flatMap((u) => u.paths)],
    shared: head.rendered.shared,
    claims,
    diagnostics: [],
  };
  const index = buildOwnershipIndex(units, rendered, source);
  return {
    ...head,
    units,
    rendered,
    index: index ? { path: indexPath(config, source), content: withDeployed(formatIndex(index), deployed), built: index } : null,
  };
}
