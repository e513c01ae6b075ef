/**
 * The settings' files in a GitHub repository (`<org>/.github`) at a ref, through the contents API: the
 * file source the settings loader reads the App's settings through.
 */
import type { FileSource, FileSourceEntry } from "../settings/file-source.js";
import { configRelativePath, ORG_CONFIG_PATH } from "../settings/paths.js";
import { httpStatus, type GitHub, type Repo } from "./client.js";
import { readFileAt } from "./read-file.js";

/** `ref`: a commit (a proposed config, a fleet re-render); without it, the default branch. */
export function githubFiles(gh: GitHub, repo: Repo, ref?: string): FileSource {
  return {
    name: `${repo.owner}/${repo.repo}`,
    readText: (path) => readFileAt(gh, repo, path, ref),
    async listFiles(folder): Promise<FileSourceEntry[] | null> {
      try {
        const { data } = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", { ...repo, path: folder, ...(ref ? { ref } : {}) });
        if (!Array.isArray(data)) return null;
        return data.filter((entry) => entry.type === "file").map((entry) => ({ name: entry.name, path: entry.path }));
      } catch (error) {
        if (httpStatus(error) === 404) return null;
        throw error;
      }
    },
    displayName: (path) => `${repo.owner}/${repo.repo}/${path}`,
  };
}

/** A path the org config names, as a path in `<org>/.github`; null when it would leave it. */
export function orgPath(relative: string): string | null {
  return configRelativePath(ORG_CONFIG_PATH, relative);
}
