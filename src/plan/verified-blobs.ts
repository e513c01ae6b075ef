import type { DesiredState, Blobs, Tree } from "./types.js";
import { gitBlobSha } from "./blob-sha.js";

/**
 * Contents of a tree's files we can vouch for without fetching them: the files (and ownership
 * index) of another render — the pull request's base, rendered here with the same config — kept
 * only where their git blob sha is the one the tree lists, so each is that blob byte for byte. The
 * plan then fetches only what this cannot cover (a base applied with other templates, a hand edit).
 */
export function verifiedBlobs(render: Pick<DesiredState, "rendered" | "index">, tree: Tree): Blobs {
  const blobs: Blobs = new Map();
  const files: Iterable<[string, string]> = render.index ? [...render.rendered.files, [render.index.path, render.index.content]] : render.rendered.files;
  for (const [path, content] of files) {
    const sha = tree.get(path);
    if (sha !== undefined && sha === gitBlobSha(content)) blobs.set(path, content);
  }
  return blobs;
}
