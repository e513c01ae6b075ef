import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import { SOURCE_ID } from "../core/provenance.js";

/** Joins GitOps repository path segments, ignoring empty ones and stray slashes (`directory` may be ""). */
export function joinPath(...segments: string[]): string {
  return segments
    .flatMap((s) => s.split("/"))
    .filter((s) => s !== "")
    .join("/");
}

/**
 * Where a source repository's ownership index lives: keyed by the repository's id when it has one
 * (`<directory>/.paved/sources/<id>.yaml`: a rename keeps it, a new repository under the old name
 * does not get it), else by name (`<directory>/.paved/sources/<owner>/<repo>.yaml`, the layout
 * before ids, which an id-keyed source migrates from).
 */
export function indexPath(config: ResolvedConfig, source: Source): string {
  if (source.id === undefined) return legacyIndexPath(config, source.repository);
  if (!SOURCE_ID.test(source.id)) throw new Error(`not a repository id: ${JSON.stringify(source.id)}`);
  return joinPath(config.gitops.directory, ".paved", "sources", `${source.id}.yaml`);
}

/** The name-keyed index path. Lowercase because GitHub names are case-insensitive: `Acme/Payments` is `acme/payments`. */
export function legacyIndexPath(config: ResolvedConfig, repository: string): string {
  if (!isRepositoryName(repository)) throw new Error(`not a repository name (owner/name): ${JSON.stringify(repository)}`);
  return joinPath(config.gitops.directory, ".paved", "sources", `${repository.toLowerCase()}.yaml`);
}

/** `owner/name` as GitHub allows it; never `.` or `..`, so an index path cannot leave its folder. */
export function isRepositoryName(repository: string): boolean {
  const parts = repository.split("/");
  return parts.length === 2 && parts.every((p) => /^[A-Za-z0-9_.-]+$/.test(p) && !/^\.+$/.test(p));
}
