import type { Source } from "./files.js";

/**
 * Whose a file in the GitOps repository is, as the file itself says: Paved writes it on the first
 * line of every file it renders, whatever the templates (the org's own included) produce. Ownership
 * is decided from this line, never from an ownership index alone: an index is a file anyone with
 * write access can edit, and a file that does not say it is Paved's is never overwritten or deleted.
 *
 *   # Rendered by Paved for acme/payments (repository id 1296269); changes here are overwritten.
 *   # Rendered by Paved for team payments, shared by its repositories; changes here are overwritten.
 *
 * The repository id (GitHub's `repository.id`, or the CLI's `--source-id`) is what follows a
 * rename and what a new repository that takes an old name does not have.
 */
export type Provenance =
  | { kind: "source"; repository: string; id?: string }
  | { kind: "team"; owner: string };

const HEADER = /^# Rendered by Paved for (team )?([A-Za-z0-9_.\/-]+)(?: \(repository id ([A-Za-z0-9_.:-]+)\))?[;,]/;

/** Repository ids as Paved accepts them: GitHub's are decimal; the CLI may state any short token. */
export const SOURCE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export function sourceHeader(source: Source): string {
  // Both reach a comment line: a newline in either would end it.
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(source.repository)) throw new Error(`not a repository name (owner/name): ${JSON.stringify(source.repository)}`);
  if (source.id !== undefined && !SOURCE_ID.test(source.id)) throw new Error(`not a repository id: ${JSON.stringify(source.id)}`);
  const id = source.id === undefined ? "" : ` (repository id ${source.id})`;
  return `# Rendered by Paved for ${source.repository}${id}; changes here are overwritten.\n`;
}

export function teamHeader(owner: string): string {
  return `# Rendered by Paved for team ${owner}, shared by its repositories; changes here are overwritten.\n`;
}

/**
 * The file's own claim. Files written before the first line existed are read by what they carried
 * then: the `paved.dev/source` annotation (a source's files) or the `paved.dev/owner` label of a
 * project Paved manages. Undefined: nothing in the file says Paved wrote it (written by hand).
 */
export function readProvenance(content: string): Provenance | undefined {
  const header = HEADER.exec(content);
  if (header) {
    if (header[1]) return { kind: "team", owner: header[2]! };
    return header[3] === undefined ? { kind: "source", repository: header[2]! } : { kind: "source", repository: header[2]!, id: header[3] };
  }
  const annotated = /paved\.dev\/source["']?\s*:\s*["']?([^"'\s,}]+)/.exec(content)?.[1];
  if (annotated !== undefined) return { kind: "source", repository: annotated };
  if (/app\.kubernetes\.io\/managed-by["']?\s*:\s*["']?paved["'\s]/.test(content)) {
    const owner = /paved\.dev\/owner["']?\s*:\s*["']?([^"'\s,}]+)/.exec(content)?.[1];
    if (owner !== undefined) return { kind: "team", owner };
  }
  return undefined;
}

/**
 * Whether a file's claim is this source. With ids on both sides only the id counts (a rename keeps
 * it, a new repository under the old name does not have it); a file that names an id is never this
 * source's when the source has none; a file without an id (written before ids, or by the CLI
 * without `--source-id`) is matched by name.
 */
export function belongsToSource(provenance: Provenance | undefined, source: Source): boolean {
  if (provenance?.kind !== "source") return false;
  if (provenance.id !== undefined) return source.id !== undefined && provenance.id === source.id;
  return sameRepository(provenance.repository, source.repository);
}

/** Whether a `paved.dev/source` value (owner/repo, or a URL ending in it) names this repository. */
export function sameRepository(value: string, repository: string): boolean {
  const a = value.toLowerCase().replace(/\.git$/, "");
  const b = repository.toLowerCase();
  return a === b || a.endsWith(`/${b}`);
}

/** How a claim is named in a message: "acme/payments (repository id 1296269)". */
export function describeProvenance(provenance: Provenance): string {
  if (provenance.kind === "team") return `team ${provenance.owner}'s shared files`;
  return provenance.id === undefined ? provenance.repository : `${provenance.repository} (repository id ${provenance.id})`;
}
