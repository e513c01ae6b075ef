/**
 * How much one source may make Paved read, build and write: the bounds that keep one hostile or
 * careless manifest from starving every other repository the app serves (issue #14). One place,
 * so README's security model and docs/limits.md can name them; each is a located error when crossed.
 *
 * Sizes are in UTF-8 bytes. They leave room above any manifest a team writes by hand (the largest
 * example renders ~60 kB) and keep the worst accepted plan at tens of MiB of memory.
 */

/** The manifest (or org config) file as written. */
export const MAX_MANIFEST_BYTES = 1_048_576; // 1 MiB

/**
 * The document after YAML aliases are expanded: keys and scalar values counted once per place
 * they appear. Aliases may share blocks, not multiply a file a hundredfold.
 */
export const MAX_EXPANDED_BYTES = 4 * 1_048_576; // 4 MiB

/**
 * One rendered file. Kubernetes stores each object in etcd, whose requests are capped at
 * 1.5 MiB by default; a file over 1 MiB would not sync anyway.
 */
export const MAX_RENDERED_FILE_BYTES = 1_048_576; // 1 MiB

/** Every file one source renders, together: what one commit to the GitOps repository may carry. */
export const MAX_RENDERED_BYTES = 16 * 1_048_576; // 16 MiB

/** The ownership index of one source (GitHub refuses files over 100 MB and warns over 50 MB). */
export const MAX_INDEX_BYTES = 8 * 1_048_576; // 8 MiB

/** `1.5 MiB`, `16 MiB`: a bound as a person reads it. */
export function formatMiB(bytes: number): string {
  return `${+(bytes / 1_048_576).toFixed(2)} MiB`;
}
