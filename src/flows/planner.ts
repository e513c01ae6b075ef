import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import type { Planner, DesiredInput, PlanInput, DesiredState } from "../plan/types.js";
import { commitMessage } from "../report/commit-message.js";
import { resolveDesired, type ParsedIndex } from "../plan/desired.js";
import { blobsNeededFor, type BlobsNeededOptions } from "../plan/needed.js";
import { planFor } from "../plan/plan.js";
import { PAVED_VERSION } from "../core/version.js";

export interface PlannerContext {
  source: Source;
  config: ResolvedConfig;
  version: string;
  manifestText?: string;
  manifestFile?: string;
  locate?: PlanInput["locate"];
  fetch?: BlobsNeededOptions;
  /** Applying: the source commit the index records (see `PlanInput.recordCommit`). */
  recordCommit?: string;
  /** The previous index, when the caller parsed it from the tree already (the deploy flow decides from it). */
  previousIndex?: ParsedIndex;
}

/** Binds a desired state to the two plan phases, for `applyWithRetry` and the shells. */
export function planner(desired: DesiredInput, ctx: PlannerContext): Planner {
  const { source, config } = ctx;
  // Hashing every desired file and parsing the previous index happen once, not once per phase and retry.
  const resolved = resolveDesired(desired, source, config, ctx.previousIndex);
  const owner = desired.units[0]?.owner;
  return {
    blobsNeeded: (tree, known) => blobsNeededFor(resolved, tree, source, known, ctx.fetch),
    plan: (snapshot, blobs) => {
      const input: PlanInput = { ...desired, tree: snapshot.tree, blobs, source, config, version: ctx.version, treeId: snapshot.treeId };
      if (ctx.manifestText !== undefined) input.manifestText = ctx.manifestText;
      if (ctx.manifestFile !== undefined) input.manifestFile = ctx.manifestFile;
      if (ctx.locate) input.locate = ctx.locate;
      if (ctx.recordCommit) input.recordCommit = ctx.recordCommit;
      return planFor(resolved, input);
    },
    message: (p) => commitMessage(p, source, owner === undefined ? undefined : { owner, directory: config.gitops.directory }),
  };
}

/** The planner every shell uses for a pipeline result: Paved's version, the manifest and its locations filled in. */
export function plannerForDesired(
  desired: DesiredState,
  ctx: { source: Source; config: ResolvedConfig; manifestText: string | null; manifestFile: string; fetch?: BlobsNeededOptions; recordCommit?: string; previousIndex?: ParsedIndex },
): Planner {
  return planner(desired, {
    source: ctx.source,
    config: ctx.config,
    version: PAVED_VERSION,
    ...(ctx.manifestText !== null ? { manifestText: ctx.manifestText } : {}),
    manifestFile: ctx.manifestFile,
    locate: desired.locate,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    ...(ctx.recordCommit ? { recordCommit: ctx.recordCommit } : {}),
    ...(ctx.previousIndex ? { previousIndex: ctx.previousIndex } : {}),
  });
}
