import type { ResolvedConfig } from "../../src/config/types.js";
import type { IndexFile } from "../../src/plan/ownership-index.js";
import { withDeployed } from "../../src/plan/ownership-index.js";

/** The index a first merge of `commit` writes: every `promote: merge` environment records that commit. */
export function mergedIndex(index: IndexFile | null, config: ResolvedConfig, commit: string): IndexFile | null {
  if (!index) return index;
  const deployed = Object.fromEntries(config.environments.filter((e) => e.promote.kind === "merge").map((e) => [e.name, { commit, action: "merge" as const, held: false, previous: [] }]));
  return { ...index, content: withDeployed(index.content, deployed) };
}
