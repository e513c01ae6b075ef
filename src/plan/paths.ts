import type { ResolvedConfig } from "../config/types.js";

/** Joins GitOps repository path segments, ignoring empty ones and stray slashes (`directory` may be ""). */
export function joinPath(...segments: string[]): string {
  return segments
    .flatMap((s) => s.split("/"))
    .filter((s) => s !== "")
    .join("/");
}

/**
 * Where a source repository's ownership index lives: `<directory>/.paved/sources/<owner>/<repo>.yaml`.
 * Lowercase because GitHub names are case-insensitive: `Acme/Payments` is `acme/payments`.
 */
export function indexPath(config: ResolvedConfig, repository: string): string {
  if (!isRepositoryName(repository)) throw new Error(`not a repository name (owner/name): ${JSON.stringify(repository)}`);
  return joinPath(config.gitops.directory, ".paved", "sources", `${repository.toLowerCase()}.yaml`);
}

/** Whether a `paved.dev/source` value (owner/repo, or a URL ending in it) names this repository. */
export function sameRepository(value: string, repository: string): boolean {
  const a = value.toLowerCase().replace(/\.git$/, "");
  const b = repository.toLowerCase();
  return a === b || a.endsWith(`/${b}`);
}

/** `owner/name` as GitHub allows it; never `.` or `..`, so an index path cannot leave its folder. */
export function isRepositoryName(repository: string): boolean {
  const parts = repository.split("/");
  return parts.length === 2 && parts.every((p) => /^[A-Za-z0-9_.-]+$/.test(p) && !/^\.+$/.test(p));
}
