import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import { desiredState } from "./pipeline.js";
import type { DesiredState } from "../plan/types.js";
import type { RenderOptions } from "../render/index.js";
import type { CompiledTemplateSet } from "../render/templates.js";
import { approvalRules, declaredOwner, evaluateApprovals, type ApprovalResult } from "../github/approvals.js";
import type { GitHub, Repo } from "../github/client.js";
import type { MergedPullRequest } from "../github/find-pull-request.js";
import { readFileAt } from "../github/read-file.js";

export interface GateInput {
  repo: Repo;
  /** The pushed commit, on the default branch. */
  after: string;
  defaultBranch: string;
  config: ResolvedConfig;
  templates: CompiledTemplateSet;
  renderOptions: RenderOptions;
  manifestPath: string;
  /** The manifest at `after` and what it renders to. */
  manifest: string | null;
  desired: DesiredState;
  source: Source;
  /** The pull request into the default branch that this commit merged; null for a direct push. */
  pull: MergedPullRequest | null;
}

export interface Gate {
  /** Per environment that requires approval: who approved, or (with `note`) why it is withheld. */
  approvals: ApprovalResult[];
  /** Environments this push must not write. */
  withheld: Set<string>;
}

/**
 * The approval gate where the write happens: a push writes an environment that requires approval
 * only when it merged a pull request into the default branch whose final head was approved, by the
 * rule the pull request's check applies (`approvalVerdict`, owner team from the manifest at the
 * merge's first parent), and only when that head renders the environment exactly as the push does.
 * Anything else — a direct push, an unapproved merge, a merge that combined the approved head with
 * other changes to the environment — leaves the environment unwritten, whatever the repository's
 * branch protection says.
 */
export async function approvalGate(gh: GitHub, input: GateInput): Promise<Gate> {
  const protectedEnvironments = input.config.environments.filter((e) => e.approval).map((e) => e.name);
  if (protectedEnvironments.length === 0) return { approvals: [], withheld: new Set() };
  const { pull } = input;
  const how = `open a pull request into \`${input.defaultBranch}\` that carries this change and have its latest commit approved; Paved writes it when that pull request is merged`;
  if (pull === null) {
    // No base to take the owner from: the pushed manifest's, as its desired state already read it.
    const rules = approvalRules(protectedEnvironments, input.config, checkedOwner(input.desired, input.manifest));
    const approvals = rules.map((r) => ({ environment: r.environment, teams: r.teams, note: `not written: ${shortSha(input.after)} was pushed without a pull request; ${how}` }));
    return { approvals, withheld: new Set(protectedEnvironments) };
  }

  // 1. The same inputs as the pull request's check: the base's manifest (the merge's first parent) and the final head.
  const { data: commit } = await gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...input.repo, commit_sha: input.after });
  const parent = commit.parents[0]?.sha;
  const [base, head] = await Promise.all([
    parent ? readFileAt(gh, input.repo, input.manifestPath, parent) : Promise.resolve(null),
    readFileAt(gh, input.repo, input.manifestPath, pull.headSha),
  ]);
  // The approved head's desired state (step 3) also gives its owner, for a repository adopting Paved (no base manifest).
  const approvedHead = desiredState(head, input.manifestPath, input.config, input.source, input.templates, input.renderOptions);
  const rules = approvalRules(protectedEnvironments, input.config, base === null ? checkedOwner(approvedHead, head) : declaredOwner(base));
  // 2. The verdict on the final head.
  const verdicts = await evaluateApprovals(gh, { repo: input.repo, number: pull.number, headSha: pull.headSha, head: pull.head }, rules);
  // 3. The approved head must render each environment as this commit does: the approval was for that change.
  const withheld = new Set<string>();
  const approvals = verdicts.map((v): ApprovalResult => {
    if (v.approvedBy === undefined) {
      withheld.add(v.environment);
      return { ...v, note: `not written: #${pull.number}'s latest commit ${shortSha(pull.headSha)} has no approving review that counts${v.note ? ` (${v.note})` : ""}; ${how}` };
    }
    if (!sameEnvironment(approvedHead, input.desired, v.environment)) {
      withheld.add(v.environment);
      const { approvedBy: _approvedBy, ...rest } = v;
      return { ...rest, note: `not written: the merge changes it differently from #${pull.number}'s approved head ${shortSha(pull.headSha)} (the base branch moved in between); ${how}` };
    }
    return v;
  });
  return { approvals, withheld };
}

/**
 * `approvingOwner`'s reading of a manifest's owner, from the desired state made of `text`: a manifest
 * that passed its schema has a valid team slug as its owner, so only one that failed it is read again.
 */
function checkedOwner(state: DesiredState, text: string | null): string | undefined {
  return state.check.manifest ? state.check.manifest.owner : declaredOwner(text);
}

/** Whether two desired states render the same files, with the same content, for one environment. */
function sameEnvironment(a: DesiredState, b: DesiredState, environment: string): boolean {
  const files = (d: DesiredState) => {
    const out = new Map<string, string>();
    for (const unit of d.rendered.units) {
      if (unit.environment !== environment) continue;
      for (const path of unit.paths) out.set(path, d.rendered.files.get(path) ?? "");
    }
    return out;
  };
  const [x, y] = [files(a), files(b)];
  return x.size === y.size && [...x].every(([path, content]) => y.get(path) === content);
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
