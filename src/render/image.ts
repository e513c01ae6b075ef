import { parseImageReference } from "../core/image-ref.js";

/** An OCI image reference split the way Helm charts take it: repository, tag, digest (`null` when absent). */
export interface ImageParts {
  repository: string;
  tag: string | null;
  digest: string | null;
}

export function splitImage(reference: string): ImageParts {
  const { repository, tag, digest } = parseImageReference(reference);
  return { repository, tag: tag ?? null, digest: digest ?? null };
}
