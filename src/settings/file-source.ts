/**
 * The port the settings loader reads through: the files of the org config's home — `<org>/.github`
 * through the GitHub API (src/github/org-files.ts), or a folder on disk (local-files.ts). Paths are
 * posix, relative to the source's root.
 */
export interface FileSourceEntry {
  /** The file's name in its folder. */
  name: string;
  /** Its path from the source's root. */
  path: string;
}

export interface FileSource {
  /** Where the files are, for messages: `acme/.github`, `the workspace`. */
  readonly name: string;
  /** A file's text; null when there is no such file. */
  readText(path: string): Promise<string | null>;
  /** The files (not folders) directly in a folder; null when there is no such folder. */
  listFiles(folder: string): Promise<FileSourceEntry[] | null>;
  /** How a file read from here is named in diagnostics (a template's file). */
  displayName(path: string): string;
}
