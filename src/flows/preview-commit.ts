/**
 * The compare-and-swap commit loop around preview changes (src/previews/changes.ts), over the same
 * writers as every apply: GitHub's Git Data API or local git.
 */
import type { ResolvedConfig } from "../config/types.js";
import type { GitOpsWriter } from "../gitops/writer.js";
import type { TreeSnapshot } from "../plan/types.js";
import { previewWrites, type PreviewEdit } from "../previews/changes.js";
import { listPreviews, recordPaths, type PreviewRecord } from "../previews/record.js";
import { defaultBackoff } from "./apply.js";

type PreviewChoice = { edit: PreviewEdit; message: string } | null;

/** One decision over one snapshot: what to do, given the open previews (null: nothing to commit). It may ask GitHub first. */
export type PreviewDecision = (records: PreviewRecord[], snapshot: TreeSnapshot) => PreviewChoice | Promise<PreviewChoice>;

export type PreviewCommit =
  | { status: "committed"; sha: string; records: PreviewRecord[]; edit: PreviewEdit }
  | { status: "unchanged"; records: PreviewRecord[]; edit?: PreviewEdit }
  | { status: "conflict" };

/** Read the tree and its records → decide → commit only if the branch has not moved; else again, a few times. */
export async function commitPreviews(writer: GitOpsWriter, config: ResolvedConfig, decide: PreviewDecision, attempts = 5): Promise<PreviewCommit> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const snapshot = await writer.readTree();
    const records = await writer.readBlobs(recordPaths(snapshot.tree.keys(), config.gitops.directory), snapshot);
    const open = listPreviews(records, config.gitops.directory);
    const decision = await decide(open, snapshot);
    if (!decision) return { status: "unchanged", records: open };
    const writes = previewWrites(snapshot, records, decision.edit, config);
    if (writes.length === 0) return { status: "unchanged", records: open, edit: decision.edit };
    const result = await writer.commit(writes, decision.message, snapshot.treeId);
    if (result.kind === "committed") return { status: "committed", sha: result.sha, records: open, edit: decision.edit };
    if (result.kind === "unchanged") return { status: "unchanged", records: open, edit: decision.edit };
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, defaultBackoff(attempt)));
  }
  return { status: "conflict" };
}
