import { createHash } from "node:crypto";
import type { ResolvedConfig } from "../config/types.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { Planner, FileChange, Plan, Risk, UnitChange } from "./types.js";
import { compareStrings } from "./compare.js";
import { environmentOrder } from "./unit-changes.js";

/**
 * The fleet: every source the GitOps repository's ownership indexes list, re-planned together after
 * the org config or templates changed. Each source keeps its own plan (its ownership, its index);
 * the fleet is their union, split per environment for review. Pure: the shells fetch and deliver.
 */
export interface FleetSourceRef {
  /** owner/name, as its index names it. */
  repository: string;
  /** The source commit re-rendered; undefined when it could not be told. */
  commit?: string;
  /** False when the index predates recording it: the source's default branch head was used instead. */
  commitRecorded: boolean;
}

export type FleetSource =
  /** Re-planned under the new config (maybe without changes). */
  | (FleetSourceRef & { kind: "planned"; plan: Plan })
  /** Its manifest no longer validates (or renders, or owns its paths) under the new config: left as it is. */
  | (FleetSourceRef & { kind: "invalid"; diagnostics: Diagnostic[] })
  /** Its index or its manifest could not be read: left as it is. */
  | (FleetSourceRef & { kind: "unreadable"; reason: string });

export interface FleetPlan {
  /** Sorted by repository. */
  sources: FleetSource[];
  /** Every planned source's changes, sorted by path; a team file several sources render is listed once. */
  changes: FileChange[];
  /** Environments with changes, in promotion order. */
  environments: string[];
}

/** One source's half-planned state: its planner, bound to its manifest at its commit under the new config. */
export interface FleetPart extends FleetSourceRef {
  planner: Planner;
}

/**
 * Binds the sources to one planner for the read → plan → commit loop: one tree read, the union of
 * what each needs fetched, and one plan whose changes are every valid source's. A source whose
 * plan is invalid (an ownership conflict under the new namespaces) contributes nothing and is listed.
 */
export function fleetPlanner(
  parts: FleetPart[],
  settled: FleetSource[],
  config: ResolvedConfig,
  message: (fleet: FleetPlan) => string,
): Planner & { last: () => FleetPlan | undefined } {
  let last: FleetPlan | undefined;
  return {
    blobsNeeded: (tree, known) => [...new Set(parts.flatMap((p) => p.planner.blobsNeeded(tree, known)))],
    plan: (snapshot, blobs) => {
      const planned: FleetSource[] = parts.map(({ planner, ...ref }) => {
        const plan = planner.plan(snapshot, blobs);
        return plan.valid ? { ...ref, kind: "planned", plan } : { ...ref, kind: "invalid", diagnostics: plan.diagnostics };
      });
      last = combineFleet([...settled, ...planned], config);
      return asPlan(last);
    },
    message: () => message(last!),
    last: () => last,
  };
}

export function combineFleet(sources: FleetSource[], config: ResolvedConfig): FleetPlan {
  const sorted = [...sources].sort((a, b) => compareStrings(a.repository.toLowerCase(), b.repository.toLowerCase()));
  const byPath = new Map<string, FileChange>();
  for (const source of sorted) {
    if (source.kind !== "planned") continue;
    for (const change of source.plan.changes) if (!byPath.has(change.path)) byPath.set(change.path, change);
  }
  const changes = [...byPath.values()].sort((a, b) => compareStrings(a.path, b.path));
  const order = environmentOrder(config);
  const environments = [...new Set(sorted.flatMap((s) => (s.kind === "planned" ? s.plan.environments : [])))].sort(
    (a, b) => order(a) - order(b) || compareStrings(a, b),
  );
  return { sources: sorted, changes, environments };
}

/** The fleet as one plan (for the retry loop and the environment gate): valid, since broken sources are left out of it. */
function asPlan(fleet: FleetPlan): Plan {
  const planned = fleet.sources.flatMap((s) => (s.kind === "planned" ? [s] : []));
  const hash = createHash("sha256");
  for (const s of fleet.sources) hash.update(`${s.repository}\0${s.kind}\0${s.kind === "planned" ? s.plan.id : ""}\0`);
  const units: UnitChange[] = planned.flatMap((s) => s.plan.units);
  const risks: Risk[] = planned.flatMap((s) => s.plan.risks);
  return { id: hash.digest("hex").slice(0, 12), valid: true, diagnostics: [], changes: fleet.changes, units, risks, environments: fleet.environments };
}

/** One proposal per environment with changes, in promotion order; files outside unit directories ride with the first. */
export interface FleetProposal {
  /** The environment, or "shared" when only files outside unit directories change. */
  name: string;
  changes: FileChange[];
}

export function proposalsByEnvironment(fleet: FleetPlan, only?: ReadonlySet<string>): FleetProposal[] {
  const environments = fleet.environments.filter((e) => !only || only.has(e));
  const proposals: FleetProposal[] = environments.map((name) => ({ name, changes: fleet.changes.filter((c) => c.unit?.environment === name) }));
  const outside = only ? [] : fleet.changes.filter((c) => !c.unit);
  if (outside.length > 0) {
    if (proposals[0]) proposals[0].changes = [...proposals[0].changes, ...outside].sort((a, b) => compareStrings(a.path, b.path));
    else proposals.push({ name: "shared", changes: outside });
  }
  return proposals.filter((p) => p.changes.length > 0);
}

/** The fleet restricted to one proposal: what its pull request's summary lists. */
export function fleetFor(fleet: FleetPlan, proposal: FleetProposal): FleetPlan {
  const paths = new Set(proposal.changes.map((c) => c.path));
  const sources = fleet.sources.map((s) =>
    s.kind !== "planned"
      ? s
      : {
          ...s,
          plan: {
            ...s.plan,
            changes: s.plan.changes.filter((c) => paths.has(c.path)),
            units: s.plan.units.filter((u) => u.environment === proposal.name),
            environments: s.plan.environments.filter((e) => e === proposal.name),
          },
        },
  );
  return { sources, changes: proposal.changes, environments: fleet.environments.filter((e) => e === proposal.name) };
}

/** Where index files live, so the fleet can be read from the tree alone: `<directory>/.paved/sources/<id>.yaml`, or `<owner>/<repo>.yaml` from before ids. */
export function isIndexPath(path: string, config: ResolvedConfig): boolean {
  const prefix = config.gitops.directory ? `${config.gitops.directory.replace(/\/+$/, "")}/.paved/sources/` : ".paved/sources/";
  return path.startsWith(prefix) && /^(?:[^/]+\/)?[^/]+\.yaml$/.test(path.slice(prefix.length));
}
