/**
 * Preview changes as file writes against one snapshot of the GitOps tree (the compare-and-swap
 * commit loop around them is src/flows/preview-commit.ts).
 * A preview's folder is Paved's alone: updating writes what differs and deletes what is no longer
 * rendered; removing deletes every file under it. The team's preview AppProject is recomputed from
 * the records the commit leaves, so it lists exactly the namespaces of the team's open previews.
 */
// js-yaml, not `yaml`: its dump is the byte format Paved's files already have in GitOps repositories (a new emitter would rewrite them).
import { dump } from "js-yaml";
import type { ResolvedConfig } from "../config/types.js";
import { MANAGED_BY, defaultGitopsRepoURL } from "../core/names.js";
import { previewProjectName } from "../core/preview-names.js";
import { teamHeader } from "../core/provenance.js";
import { gitBlobSha } from "../plan/blob-sha.js";
import type { FileWrite, TreeSnapshot } from "../plan/types.js";
import { formatRecord, listPreviews, previewDir, previewProjectPath, recordPath, recordPaths, type PreviewRecord } from "./record.js";

/** What one commit does: previews to write (folder → files), folders to remove, and records rewritten alone. */
export interface PreviewEdit {
  write: Array<{ dir: string; files: Map<string, string> }>;
  remove: string[];
  /** A record whose preview's files stay as they are (the keep label changed while the PR does not render). */
  records?: PreviewRecord[];
}

/** The writes for `edit` against `snapshot`, given the records currently in it. */
export function previewWrites(snapshot: TreeSnapshot, records: ReadonlyMap<string, string>, edit: PreviewEdit, config: ResolvedConfig): FileWrite[] {
  const writes = new Map<string, string | null>();
  const dirs = [...edit.remove, ...edit.write.map((w) => w.dir)];
  for (const path of snapshot.tree.keys()) if (dirs.some((dir) => path.startsWith(`${dir}/`))) writes.set(path, null);
  const after = new Map([...records].filter(([path]) => !dirs.some((dir) => path.startsWith(`${dir}/`))));
  for (const { files } of edit.write) {
    for (const [path, content] of files) {
      writes.set(path, content);
      if (recordPaths([path], config.gitops.directory).length === 1) after.set(path, content);
    }
  }
  for (const record of edit.records ?? []) {
    const path = recordPath(previewDir(config.gitops.directory, record.owner, record.repositoryId, record.number));
    writes.set(path, formatRecord(record));
    after.set(path, formatRecord(record));
  }
  const owners = new Set([...listPreviews(records, config.gitops.directory), ...listPreviews(after, config.gitops.directory)].map((r) => r.owner));
  const remaining = listPreviews(after, config.gitops.directory);
  for (const owner of owners) {
    const mine = remaining.filter((r) => r.owner === owner);
    const path = previewProjectPath(config.gitops.directory, owner);
    if (mine.length > 0) writes.set(path, previewProject(owner, mine, config));
    else writes.set(path, null);
  }
  const out: FileWrite[] = [];
  for (const [path, content] of writes) {
    if (content === null ? !snapshot.tree.has(path) : snapshot.tree.get(path) === gitBlobSha(content)) continue;
    out.push({ path, content });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The team's preview fence: destinations are the exact namespaces of its open previews (never a
 * glob: `payments-pr-*` would also match team `payments-pr`'s), and Namespace, by those names, is
 * the only cluster-scoped kind.
 */
export function previewProject(owner: string, records: PreviewRecord[], config: ResolvedConfig): string {
  const cluster = config.previews?.cluster ?? "";
  const namespaces = [...new Set(records.map((r) => r.namespace))].sort();
  const repos = [defaultGitopsRepoURL(config.gitops.repository ?? "")];
  if (config.render.mode === "helm" && config.render.chart) repos.push(config.render.chart.repoURL);
  return (
    teamHeader(owner) +
    dump(
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: previewProjectName(owner), namespace: config.argocd.namespace, labels: { "app.kubernetes.io/managed-by": MANAGED_BY, "paved.dev/owner": owner } },
        spec: {
          description: `Pull request previews of team ${owner}, deployed by Paved`,
          sourceRepos: repos.sort(),
          destinations: namespaces.map((namespace) => ({ server: cluster, namespace })),
          clusterResourceWhitelist: namespaces.map((name) => ({ group: "", kind: "Namespace", name })),
        },
      },
      { lineWidth: -1, noRefs: true },
    )
  );
}
