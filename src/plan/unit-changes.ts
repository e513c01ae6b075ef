import type { ResolvedConfig } from "../config/types.js";
import type { RenderedUnit } from "../core/files.js";
import { unitKey } from "../core/unit.js";
import { compareStrings } from "./compare.js";
import type { IndexedUnit, OwnershipIndex } from "./ownership-index.js";
import { describeChanges, describeNew } from "./summary.js";
import type { FileChange, UnitChange } from "./types.js";
import type { UnitState } from "./unit-state.js";

/** One entry per unit that is desired now or was owned before, with what changes in words. */
export interface UnitComparison {
  change: UnitChange;
  before?: UnitState;
  after?: UnitState;
}

/** `desired`: unit key → the state of each desired unit (the one the new index records, see `desiredStates`). */
export function compareUnits(
  desired: ReadonlyMap<string, UnitState>,
  rendered: RenderedUnit[],
  previous: OwnershipIndex | undefined,
  changes: FileChange[],
  config: ResolvedConfig,
): UnitComparison[] {
  const filesChanged = new Map<string, number>();
  for (const c of changes) if (c.unit) filesChanged.set(unitKey(c.unit), (filesChanged.get(unitKey(c.unit)) ?? 0) + 1);
  const before = new Map<string, IndexedUnit>((previous?.units ?? []).map((u) => [unitKey(u), u]));
  const comparisons: UnitComparison[] = [];

  for (const r of rendered) {
    const key = unitKey(r);
    const after = desired.get(key);
    const old = before.get(key);
    before.delete(key);
    const files = filesChanged.get(key) ?? 0;
    const comparison: UnitComparison = { change: { environment: r.environment, service: r.service, namespace: r.namespace, action: "unchanged", summary: [], files } };
    if (after) comparison.after = after;
    if (!old) {
      comparison.change.action = "create";
      comparison.change.summary = after ? [describeNew(after)] : [`new: ${files} files`];
    } else {
      if (old.state) comparison.before = old.state;
      const summary = old.namespace && old.namespace !== r.namespace ? [`namespace ${old.namespace} → ${r.namespace}`] : [];
      if (old.state && after) summary.push(...describeChanges(old.state, after));
      // Same manifest, different files: templates, the config or Paved changed, or someone edited the GitOps repository.
      if (files > 0 && summary.length === 0) summary.push(`${files} ${files === 1 ? "file" : "files"} re-rendered (templates, config, Paved version or hand edits)`);
      comparison.change.summary = summary;
      if (summary.length > 0) comparison.change.action = "update";
    }
    comparisons.push(comparison);
  }
  for (const [key, old] of before) {
    const files = filesChanged.get(key) ?? 0;
    const comparison: UnitComparison = {
      change: {
        environment: old.environment,
        service: old.service,
        namespace: old.namespace,
        action: "delete",
        summary: [`removed: ${files} ${files === 1 ? "file" : "files"} deleted`],
        files,
      },
    };
    if (old.state) comparison.before = old.state;
    comparisons.push(comparison);
  }
  const order = environmentOrder(config);
  return comparisons.sort(
    (a, b) => order(a.change.environment) - order(b.change.environment) || compareStrings(a.change.environment, b.change.environment) || compareStrings(a.change.service, b.change.service),
  );
}

/** Position of an environment in the config; unknown ones (removed from the config) come last. */
export function environmentOrder(config: ResolvedConfig): (environment: string) => number {
  const positions = new Map(config.environments.map((e, i) => [e.name, i]));
  return (environment) => positions.get(environment) ?? positions.size;
}
