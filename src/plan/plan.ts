import { sortDiagnostics, type Diagnostic } from "../core/diagnostic.js";
import { compareStrings } from "./compare.js";
import { resolveDesired, type Desired } from "./desired.js";
import { fileChanges } from "./file-changes.js";
import { gitBlobSha } from "./blob-sha.js";
import { hasDeployedRecord, ownedPaths, withDeployed, withRecordedCommit, type OwnershipIndex } from "./ownership-index.js";
import { conflictDiagnostic, deletable, findConflicts, keptDiagnostic } from "./ownership.js";
import { planId } from "./plan-id.js";
import { readPreviousIndex, unreadableIndexDiagnostic } from "./previous-index.js";
import { claimRenameRisks, findRisks } from "./risks.js";
import type { Plan, PlanInput } from "./types.js";
import { compareUnits, environmentOrder } from "./unit-changes.js";
import { unitState, type UnitState } from "./unit-state.js";
import { unitKey, type Unit } from "../core/unit.js";

/**
 * The second phase of planning (the first is `blobsNeeded`): desired files against the GitOps
 * tree. Pure: the same input always gives the same plan, with the same id.
 */
export function plan(input: PlanInput): Plan {
  return planFor(resolveDesired(input, input.source, input.config), input);
}

/** `plan` for an already resolved desired state (a planner resolves it once for both phases). */
export function planFor(desired: Desired, input: PlanInput): Plan {
  const { tree, blobs, source, config } = input;
  const id = planId(input, desired);
  const file = input.manifestFile ?? config.manifest;
  const invalid = (diagnostics = desired.diagnostics): Plan => ({
    id,
    valid: false,
    diagnostics: sortDiagnostics(diagnostics),
    changes: [],
    units: [],
    risks: [],
    environments: [],
  });
  if (!desired.valid) return invalid();

  const previous = readPreviousIndex(desired, tree, blobs, input);
  if (previous.kind === "unreadable") {
    return invalid([...desired.diagnostics, unreadableIndexDiagnostic(desired.indexPath, previous.reason, file)]);
  }
  const previousIndex = previous.kind === "found" ? previous.index : undefined;
  const owned = previousIndex ? ownedPaths(previousIndex) : new Set<string>();
  const conflicts = findConflicts(desired, tree, blobs, owned, source);
  if (conflicts.length > 0) {
    const locate = input.locate ?? (() => undefined);
    return invalid([...desired.diagnostics, ...conflicts.map((c) => conflictDiagnostic(c, file, locate, source))]);
  }

  const recorded = withCommit(carryDeployed(desired, previousIndex), input.recordCommit ?? previousIndex?.commit);
  const { changes, kept } = fileChanges(recorded, previousIndex, tree, blobs, previous.kind === "found" ? previous.path : undefined, (path) =>
    deletable(blobs.get(path), source),
  );
  const diagnostics = [...desired.diagnostics, ...kept.map((path) => keptDiagnostic(path, blobs.get(path), previous.kind === "found" ? previous.path : desired.indexPath, file))];
  const comparisons = compareUnits(desiredStates(desired, input.units), input.rendered.units, previousIndex, changes, config);
  const order = environmentOrder(config);
  const environments = [
    ...new Set([
      ...comparisons.filter((c) => c.change.action !== "unchanged").map((c) => c.change.environment),
      ...changes.flatMap((c) => (c.unit ? [c.unit.environment] : [])),
    ]),
  ].sort((a, b) => order(a) - order(b) || compareStrings(a, b));
  return {
    id,
    valid: true,
    diagnostics: sortDiagnostics(diagnostics),
    changes,
    units: comparisons.map((c) => c.change),
    risks: [...findRisks(comparisons, environments, config), ...claimRenameRisks(changes)],
    environments,
    ...(previousIndex?.commit ? { lastApplied: previousIndex.commit } : {}),
  };
}

/**
 * Each desired unit's state (unit key → state): the ones the desired index was built with, so a
 * plan (and every retry) does not compute them again; computed only for a state without an index.
 */
function desiredStates(desired: Desired, units: Unit[]): Map<string, UnitState> {
  const built = desired.index?.built;
  if (built) return new Map(built.units.flatMap((u): Array<[string, UnitState]> => (u.state ? [[unitKey(u), u.state]] : [])));
  return new Map(units.map((u) => [unitKey(u), unitState(u)]));
}

/**
 * A desired index that says nothing about deployments (every plan but a promotion's) keeps what the
 * previous one recorded: showing or applying a merge never forgets which commit runs where.
 */
function carryDeployed(desired: Desired, previous: OwnershipIndex | undefined): Desired {
  if (!desired.index || !previous?.deployed || hasDeployedRecord(desired.index.content)) return desired;
  return withIndexContent(desired, withDeployed(desired.index.content, previous.deployed));
}

/** The desired state with its index recording `commit` (a copy: the resolved state serves every attempt). */
function withCommit(desired: Desired, commit: string | undefined): Desired {
  if (!desired.index || commit === undefined) return desired;
  return withIndexContent(desired, withRecordedCommit(desired.index.content, commit));
}

function withIndexContent(desired: Desired, content: string): Desired {
  if (!desired.index) return desired;
  const files = new Map(desired.files).set(desired.index.path, content);
  const shas = new Map(desired.shas).set(desired.index.path, gitBlobSha(content));
  return { ...desired, index: { ...desired.index, content }, files, shas };
}

/** A plan that could not be made (invalid org config, unreadable input): only diagnostics, nothing to apply. */
export function unplannable(diagnostics: Diagnostic[]): Plan {
  return { id: "", valid: false, diagnostics, changes: [], units: [], risks: [], environments: [] };
}
