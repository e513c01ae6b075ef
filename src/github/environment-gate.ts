import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import type { GitHubWriter } from "../gitops/github.js";
import type { Planner } from "../gitops/writer.js";
import type { Plan } from "../plan/types.js";
import { commitMessage } from "../report/commit-message.js";
import type { GitHub, Repo } from "./client.js";
import { proposeChanges, reviewBranch } from "./review-branch.js";

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

/** Wraps a planner so the retry loop commits only the direct part, remembering the full plan. */
export function directPlanner(full: Planner, gated: Set<string>): { planner: Planner; lastFull: () => Plan | undefined } {
  let last: Plan | undefined;
  return {
    planner: {
      ...full,
      plan: (snapshot, blobs) => {
        last = full.plan(snapshot, blobs);
        return directPart(last, gated);
      },
    },
    lastFull: () => last,
  };
}

/** Opens or updates one GitOps pull request per gated environment that has changes. */
export async function proposeGated(
  gh: GitHub,
  gitops: Repo,
  writer: GitHubWriter,
  branch: string,
  plan: Plan,
  gated: Set<string>,
  source: Source,
): Promise<Array<{ environment: string; url: string }>> {
  const environments = plan.environments.filter((e) => gated.has(e));
  if (environments.length === 0) return [];
  const snapshot = await writer.readTree();
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
