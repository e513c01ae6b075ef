import { httpStatus, type GitHub, type Repo } from "./client.js";

/**
 * The text of a file at an exact ref (a commit sha for PRs, never a branch name: a branch can move
 * between the event and the read). Returns null when the file (or the ref) does not exist.
 */
export async function readFileAt(gh: GitHub, repo: Repo, path: string, ref?: string): Promise<string | null> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path,
      ...(ref ? { ref } : {}),
    });
    if (Array.isArray(data) || data.type !== "file") return null;
    if ("content" in data && data.encoding === "base64") {
      return Buffer.from(data.content, "base64").toString("utf8");
    }
    // Files over 1 MB come without content; the blob API still serves them.
    const blob = await gh.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...repo, file_sha: data.sha });
    return Buffer.from(blob.data.content, "base64").toString("utf8");
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
}

/** The blob sha of a file at a ref (null when absent): tells whether a file changed without reading it. */
export async function readFileSha(gh: GitHub, repo: Repo, path: string, ref: string): Promise<string | null> {
  try {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", { ...repo, path, ref });
    return Array.isArray(data) || data.type !== "file" ? null : data.sha;
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
}
