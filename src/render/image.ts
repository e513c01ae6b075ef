/** An OCI image reference split the way Helm charts take it: repository, tag, digest. */
export interface ImageParts {
  repository: string;
  tag: string | null;
  digest: string | null;
}

export function splitImage(reference: string): ImageParts {
  const at = reference.indexOf("@");
  const digest = at === -1 ? null : reference.slice(at + 1);
  const name = at === -1 ? reference : reference.slice(0, at);
  // A tag's colon comes after the last slash; an earlier colon is a registry port.
  const colon = name.lastIndexOf(":");
  const tagged = colon > name.lastIndexOf("/");
  return {
    repository: tagged ? name.slice(0, colon) : name,
    tag: tagged ? name.slice(colon + 1) : null,
    digest,
  };
}
