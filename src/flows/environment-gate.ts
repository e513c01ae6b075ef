import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import type { GitHubWriter } from "../gitops/github.js";
import type { Planner, FileChange, Plan, TreeSnapshot } from "../plan/types.js";
import { compareStrings } from "../plan/compare.js";
import { formatIndex, parseIndex } from "../plan/ownership-index.js";
import { commitMessage } from "../report/commit-message.js";
import type { GitHub, Repo } from "../github/client.js";
import { proposeChanges, reviewBranch } from "../github/review-branch.js";

/** Environments whose changes go through a pull request in the GitOps repository. */
export function gatedEnvironments(config: ResolvedConfig): Set<string> {
  return new Set(config.environments.filter((e) => e.mode === "pull-request").map((e) => e.name));
}

/** The part of a plan that is committed directly: everything but the gated environments' unit files. */
export function directPart(plan: Plan, gated: Set<string>): Plan {
  if (gated.size === 0) return plan;
  return {
    ...plan,
    changes: plan.changes.filter((c) => !c.unit || !gated.has(c.unit.environment)),
    environments: plan.environments.filter((e) => !gated.has(e)),
  };
}

/**
 * Wraps a planner so the retry loop commits only the direct part, remembering the full plan. The
 * ownership index keeps what it recorded for the withheld environments: their files were not
 * written, so the index must still list (and describe) the ones in the tree, or a later plan would
 * lose track of files it owns.
 */
export function directPlanner(full: Planner, withheld: Set<string>, indexPath: string): { planner: Planner; lastFull: () => Plan | undefined } {
  let last: Plan | undefined;
  return {
    planner: {
      ...full,
      plan: (snapshot, blobs) => {
        last = full.plan(snapshot, blobs);
        const direct = directPart(last, withheld);
        const heldChanges = last.changes.some((c) => c.unit && withheld.has(c.unit.environment));
        if (!heldChanges) return direct;
        return { ...direct, changes: keepWithheldInIndex(direct.changes, indexPath, blobs.get(indexPath), withheld) };
      },
    },
    lastFull: () => last,
  };
}

function keepWithheldInIndex(changes: FileChange[], indexPath: string, previousText: string | undefined, withheld: Set<string>): FileChange[] {
  const change = changes.find((c) => c.path === indexPath);
  if (!change) return changes;
  const previous = previousText === undefined ? undefined : parseIndex(previousText);
  const next = change.action === "delete" ? undefined : parseIndex(change.after!);
  const source = next?.source ?? previous!.source;
  const units = [
    ...(next?.units ?? []).filter((u) => !withheld.has(u.environment)),
    ...(previous?.units ?? []).filter((u) => withheld.has(u.environment)),
  ].sort((a, b) => compareStrings(a.environment, b.environment) || compareStrings(a.service, b.service));
  const others = changes.filter((c) => c !== change);
  if (units.length === 0 && (next?.catalog.length ?? 0) === 0) {
    return previous ? [...others, { ...change, action: "delete", diff: "", after: undefined } as FileChange] : others;
  }
  const commit = next?.commit ?? previous?.commit;
  const content = formatIndex({ source, ...(commit ? { commit } : {}), units, catalog: next?.catalog ?? previous?.catalog ?? [] });
  if (content === previousText) return others;
  const kept: FileChange = { path: indexPath, action: previous ? "update" : "create", diff: "", diffOmitted: "bookkeeping", after: content, ...(previousText !== undefined ? { before: previousText } : {}) };
  return [...others, kept].sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * Opens or updates one GitOps pull request per gated environment that has changes, each based on
 * `snapshot`: the branch as the direct commit left it (`ApplyOutcome.tree`), not read again.
 */
export async function proposeGated(
  gh: GitHub,
  gitops: Repo,
  writer: GitHubWriter,
  branch: string,
  plan: Plan,
  gated: Set<string>,
  source: Source,
  snapshot: TreeSnapshot,
): Promise<Array<{ environment: string; url: string }>> {
  const environments = plan.environments.filter((e) => gated.has(e));
  if (environments.length === 0) return [];
  const base = { branch, commit: snapshot.treeId, tree: await writer.treeOf(snapshot.treeId) };
  const proposed: Array<{ environment: string; url: string }> = [];
  for (const environment of environments) {
    const changes = plan.changes
      .filter((c) => c.unit?.environment === environment)
      .filter((c) => c.action !== "delete" || snapshot.tree.has(c.path))
      .map((c) => ({ path: c.path, content: c.action === "delete" ? null : c.after! }));
    if (changes.length === 0) continue;
    const only: Plan = { ...plan, changes: plan.changes.filter((c) => c.unit?.environment === environment), environments: [environment] };
    const message = commitMessage(only, source);
    const title = `paved: ${source.repository} → ${environment}`;
    const body = `${message}\nMerging this pull request deploys these changes to \`${environment}\`; Paved updates it in place on later merges of ${source.repository}.\n`;
    const pr = await proposeChanges(gh, gitops, base, reviewBranch(source.repository, environment), changes, message, title, body);
    proposed.push({ environment, url: pr.url });
  }
  return proposed;
}
