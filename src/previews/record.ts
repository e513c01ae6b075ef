/**
 * What the GitOps tree records about each preview, beside its files, so every decision (update,
 * remove, TTL sweep, limits, the portal's list) reads the tree and no process state:
 * `<directory>/previews/<owner>/<repository id>-<number>/preview.yaml`.
 */
// js-yaml, not `yaml`: its dump is the byte format Paved's files already have in GitOps repositories (a new emitter would rewrite them).
import { dump, load } from "js-yaml";
import { joinPath } from "../plan/paths.js";

export interface PreviewRecord {
  /** owner/name of the source repository, for messages and links only (the id is the identity). */
  repository: string;
  repositoryId: string;
  number: number;
  owner: string;
  namespace: string;
  headSha: string;
  /** ISO time of the last push rendered (or the request): the TTL counts from here. */
  pushedAt: string;
  /** The keep label was on the pull request at the last event: the TTL sweep leaves it. */
  keep: boolean;
  /** A fork's preview: the head commit a writer approved; a later push is not rendered. */
  pinned?: string;
  url?: string;
  /** The services the preview runs (the portal lists it on their pages); absent in records written before. */
  services?: string[];
}

const KIND = "Preview";
const RECORD_FILE = "preview.yaml";

export function previewsRoot(directory: string): string {
  return joinPath(directory, "previews");
}

/** `<directory>/previews/<owner>/<id>-<number>`: numbers and a schema-checked slug only. */
export function previewDir(directory: string, owner: string, repositoryId: string, number: number): string {
  if (!/^[0-9]{1,20}$/.test(repositoryId) || !Number.isSafeInteger(number) || number < 1) {
    throw new Error(`not a preview key: ${JSON.stringify(repositoryId)}#${number}`);
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(owner)) throw new Error(`not an owner: ${JSON.stringify(owner)}`);
  return joinPath(previewsRoot(directory), owner, `${repositoryId}-${number}`);
}

export function recordPath(dir: string): string {
  return `${dir}/${RECORD_FILE}`;
}

/** Record files in a tree (paths only: the caller reads their contents). */
export function recordPaths(paths: Iterable<string>, directory: string): string[] {
  const root = previewsRoot(directory);
  const shape = new RegExp(`^${escape(root)}/[a-z0-9-]+/[0-9]+-[0-9]+/${escape(RECORD_FILE)}$`);
  return [...paths].filter((p) => shape.test(p)).sort();
}

/** The team's preview AppProject: one file per team, rewritten from the records on every preview commit. */
export function previewProjectPath(directory: string, owner: string): string {
  return joinPath(previewsRoot(directory), owner, "project.yaml");
}

export function formatRecord(record: PreviewRecord): string {
  return (
    `# A Paved preview of ${record.repository}#${record.number}. Paved removes this folder when the pull request closes,\n` +
    "# its label is removed or its TTL passes without a push; do not edit by hand.\n" +
    dump({ apiVersion: "paved.dev/v1", kind: KIND, ...record }, { lineWidth: -1, noRefs: true, quotingType: '"' })
  );
}

/** A record back from the tree; null when the file is not one (hand-edited): such a folder is left alone and reported. */
export function parseRecord(content: string): PreviewRecord | null {
  let doc: unknown;
  try {
    doc = load(content);
  } catch {
    return null;
  }
  if (typeof doc !== "object" || doc === null) return null;
  const d = doc as Record<string, unknown>;
  if (d.kind !== KIND) return null;
  const text = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : undefined);
  const repository = text("repository");
  const repositoryId = typeof d.repositoryId === "number" ? String(d.repositoryId) : text("repositoryId");
  const owner = text("owner");
  const namespace = text("namespace");
  const headSha = text("headSha");
  // A hand-formatted record may leave the time unquoted, which YAML reads as a timestamp.
  const pushedAt = d.pushedAt instanceof Date && !Number.isNaN(d.pushedAt.getTime()) ? d.pushedAt.toISOString() : text("pushedAt");
  if (!repository || !repositoryId || !owner || !namespace || !headSha || !pushedAt || typeof d.number !== "number") return null;
  const pinned = text("pinned");
  const url = text("url");
  const services = Array.isArray(d.services) ? d.services.filter((s): s is string => typeof s === "string") : [];
  return {
    repository,
    repositoryId,
    number: d.number,
    owner,
    namespace,
    headSha,
    pushedAt,
    keep: d.keep === true,
    ...(pinned ? { pinned } : {}),
    ...(url ? { url } : {}),
    ...(services.length > 0 ? { services } : {}),
  };
}

/**
 * The open previews of a GitOps tree, for the sweep, the limits and the portal: give it the
 * contents of `recordPaths(tree)`. Pure; unreadable records are skipped.
 */
export function listPreviews(files: ReadonlyMap<string, string>, directory: string): PreviewRecord[] {
  return recordPaths(files.keys(), directory)
    .map((p) => parseRecord(files.get(p)!))
    .filter((r): r is PreviewRecord => r !== null);
}

/** Expired: no push for longer than the TTL, and no keep label. */
export function isExpired(record: PreviewRecord, now: Date, ttlMs: number): boolean {
  const at = Date.parse(record.pushedAt);
  return !record.keep && (Number.isNaN(at) || now.getTime() - at > ttlMs);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
