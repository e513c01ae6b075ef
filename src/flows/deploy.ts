import type { ResolvedConfig } from "../config/types.js";
import { hasErrors, type Diagnostic } from "../core/diagnostic.js";
import type { Source } from "../core/files.js";
import type { Unit } from "../core/unit.js";
import { composeDeployment } from "../plan/compose-deployment.js";
import { parseIndex, type OwnershipIndex } from "../plan/ownership-index.js";
import type { ParsedIndex } from "../plan/desired.js";
import { indexPath } from "../plan/paths.js";
import { desiredState } from "./pipeline.js";
import type { DesiredState, Blobs, Plan, Planner, TreeSnapshot } from "../plan/types.js";
import { plannerForDesired } from "./planner.js";
import { decide, short, type DeployDecision, type DeployRequest } from "../plan/promotion.js";
import type { RenderOptions } from "../render/index.js";
import type { CompiledTemplateSet } from "../render/templates.js";
import { commitMessage, type DeploymentTrailers } from "../report/commit-message.js";
import type { GitOpsWriter } from "../gitops/writer.js";
import { applyWithRetry, defaultBackoff, type ApplyOutcome, type RetryOptions } from "./apply.js";

export interface DeployInputs {
  writer: GitOpsWriter;
  config: ResolvedConfig;
  templates: CompiledTemplateSet;
  renderOptions?: RenderOptions;
  manifestPath: string;
  /** The source; its `sha` is ignored (each environment's commit is decided per attempt). */
  source: Source;
  /** The manifest at a source commit (null: absent there). Called once per commit. */
  readManifest: (commit: string) => Promise<string | null>;
  /** The request, given which environments the previous index has units in (for merges). */
  request: (present: string[]) => DeployRequest;
  /** Who asked, for the commit trailers. */
  by?: string;
  /** Wraps the planner (the push flow keeps gated environments out of the direct commit). */
  wrap?: (planner: Planner) => Planner;
  retry?: RetryOptions;
  /** Applying a merge: the source commit the index records as applied (see `PlanInput.recordCommit`). */
  recordCommit?: string;
  /** States already rendered (the push flow's head, with its owner checks): used instead of rendering again. */
  seed?: ReadonlyMap<string, DesiredState>;
}

export type DeployOutcome =
  /** `units`: every unit as written, each environment's at the commit the decision gave it. */
  | (ApplyOutcome & { decision: Extract<DeployDecision, { kind: "deploy" }>; units: Unit[] })
  | { status: "noop" | "refused"; reason: string; attempts: number }
  /** The manifest at a commit some environment would run does not validate under today's org config: nothing written. */
  | { status: "invalid-commit"; commit: string; diagnostics: Diagnostic[]; attempts: number };

/**
 * Deploys per environment the commit `decide` picks, re-deciding against the GitOps tree as it is in
 * every attempt (the index read in the same attempt as the plan, the commit a compare-and-swap on that
 * read): a concurrent merge or promotion makes the commit fail, and the next attempt decides again.
 */
export async function deploy(inputs: DeployInputs): Promise<DeployOutcome> {
  const attempts = Math.max(1, inputs.retry?.attempts ?? 5);
  const sleep = inputs.retry?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const rendered = new Map<string, Promise<DesiredState>>([...(inputs.seed ?? [])].map(([c, s]) => [c, Promise.resolve(s)]));
  const stateAt = (commit: string) => {
    if (!rendered.has(commit)) {
      const source = { ...inputs.source, sha: commit };
      rendered.set(commit, inputs.readManifest(commit).then((text) => desiredState(text, inputs.manifestPath, inputs.config, source, inputs.templates, inputs.renderOptions)));
    }
    return rendered.get(commit)!;
  };
  let last: ApplyOutcome | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const snapshot = await inputs.writer.readTree();
    const { index, parsed, blobs } = await readIndex(inputs.writer, snapshot, indexPath(inputs.config, inputs.source));
    const present = [...new Set((index?.units ?? []).map((u) => u.environment))];
    const request = inputs.request(present);
    const decision = decide(inputs.config, index?.deployed ?? {}, request);
    if (decision.kind !== "deploy") return { status: decision.kind, reason: decision.reason, attempts: attempt };
    // Files outside units (catalog, projects) follow the merged head, or the commit the first environment runs.
    const newest = request.kind === "merge" ? request.head : (decision.targets.find((t) => t.commit !== null)?.commit ?? undefined);
    if (newest === undefined) return { status: "noop", reason: "nothing is deployed anywhere yet", attempts: attempt };
    const commits = [...new Set([newest, ...decision.targets.flatMap((t) => (t.commit ? [t.commit] : []))])];
    const states = new Map<string, DesiredState>();
    for (const commit of commits) {
      const state = await stateAt(commit);
      const diagnostics = [...state.check.diagnostics, ...state.rendered.diagnostics];
      if (hasErrors(diagnostics)) return { status: "invalid-commit", commit, diagnostics, attempts: attempt };
      states.set(commit, state);
    }
    const desired = composeDeployment(states.get(newest)!, states, decision.targets, decision.deployed, inputs.source, inputs.config);
    const source = { ...inputs.source, sha: newest };
    const base = plannerForDesired(desired, { source, config: inputs.config, manifestText: null, manifestFile: inputs.manifestPath, fetch: { diffLimit: 0 }, ...(inputs.recordCommit ? { recordCommit: inputs.recordCommit } : {}), ...(parsed ? { previousIndex: parsed } : {}) });
    const trailers = trailersOf(decision, request, inputs.by);
    const planner = (inputs.wrap ?? ((p: Planner) => p))({ ...base, message: (plan: Plan) => commitMessage(plan, source, unitsOf(desired, inputs.config), trailers) });
    last = await applyWithRetry(pinned(inputs.writer, snapshot, blobs), planner, { attempts: 1, ...(inputs.retry?.admit ? { admit: inputs.retry.admit } : {}) });
    if (last.status !== "conflict") return { ...last, attempts: attempt, decision, units: desired.units };
    if (attempt < attempts) await sleep((inputs.retry?.backoff ?? defaultBackoff)(attempt));
  }
  return { status: "refused", reason: `the GitOps branch kept moving: ${attempts} attempts each lost the race to another writer; nothing was written`, attempts };
}

function trailersOf(decision: Extract<DeployDecision, { kind: "deploy" }>, request: DeployRequest, by: string | undefined): DeploymentTrailers {
  const environments = decision.environments.map((environment) => ({ environment, commit: decision.deployed[environment]!.commit }));
  const heading = decision.environments.length > 0
    ? `${decision.action} ${environments.map((e) => `${e.environment} to ${short(e.commit)}`).join(", ")}`
    : undefined;
  // A hold, a release, or a rollback to what already runs changes no commit: the trailers still name
  // the environment and what it runs, so `paved history` can tell when it was held and by whom.
  if (environments.length === 0 && "environment" in request && decision.deployed[request.environment]) {
    const commit = decision.deployed[request.environment]!.commit;
    const action = request.kind === "hold" || request.kind === "release" ? request.kind : decision.action;
    return { action, environments: [{ environment: request.environment, commit }], ...(by ? { by } : {}), heading: `${action} ${request.environment} at ${short(commit)}` };
  }
  return { action: decision.action, environments, ...(by ? { by } : {}), ...(heading ? { heading } : {}) };
}

/** The index in the tree, parsed once: the decision reads it here, the plan of the same attempt gets it as `parsed`. */
async function readIndex(writer: GitOpsWriter, snapshot: TreeSnapshot, path: string): Promise<{ index: OwnershipIndex | undefined; parsed?: ParsedIndex; blobs: Blobs }> {
  if (!snapshot.tree.has(path)) return { index: undefined, blobs: new Map() };
  const blobs = await writer.readBlobs([path], snapshot);
  const content = blobs.get(path);
  if (content === undefined) return { index: undefined, blobs };
  // An unreadable index is the plan's to report (it refuses to plan over it); here it records nothing.
  try {
    const index = parseIndex(content);
    return { index, parsed: { content, index }, blobs };
  } catch {
    return { index: undefined, blobs };
  }
}

/** The writer as of `snapshot`: the plan is made from the read the decision was made from; blobs read already are not read again. */
function pinned(writer: GitOpsWriter, snapshot: TreeSnapshot, known: Blobs): GitOpsWriter {
  return {
    readTree: async () => snapshot,
    readBlobs: async (paths, from) => {
      const missing = paths.filter((p) => !known.has(p));
      const fetched = missing.length > 0 ? await writer.readBlobs(missing, from) : new Map<string, string>();
      const out: Blobs = new Map();
      for (const p of paths) {
        const content = known.get(p) ?? fetched.get(p);
        if (content !== undefined) out.set(p, content);
      }
      return out;
    },
    commit: (changes, message, expected) => writer.commit(changes, message, expected),
  };
}

/** The units' owner and the GitOps directory, for the `Paved-Unit` trailers Argo CD feedback maps revisions by. */
function unitsOf(desired: DesiredState, config: ResolvedConfig): { owner: string; directory: string } | undefined {
  const owner = desired.units[0]?.owner;
  return owner === undefined ? undefined : { owner, directory: config.gitops.directory };
}
