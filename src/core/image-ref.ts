/**
 * OCI image references, parsed once: `repository[:tag][@digest]`. Rendering (Helm's image parts),
 * policies (tag and digest rules), plan summaries, deployment records and the portal all read the
 * same parts, so a reference with a registry port (`localhost:5000/api:1`) splits the same way everywhere.
 * The schema has already checked the reference's form; this only splits it.
 */
export interface ImageReference {
  /** Everything before the tag and digest, registry included: `ghcr.io/acme/api`, `localhost:5000/api`. */
  repository: string;
  /** The text after the tag's `:`; may be empty (`api:`) in input the schema has not checked. */
  tag?: string;
  /** `sha256:…` after the `@`. */
  digest?: string;
}

export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf("@");
  const name = at === -1 ? reference : reference.slice(0, at);
  // A tag's colon comes after the last slash; an earlier colon is a registry port.
  const colon = name.lastIndexOf(":");
  const hasTag = colon > name.lastIndexOf("/");
  const parsed: ImageReference = { repository: hasTag ? name.slice(0, colon) : name };
  if (hasTag) parsed.tag = name.slice(colon + 1);
  if (at !== -1) parsed.digest = reference.slice(at + 1);
  return parsed;
}

/**
 * What people recognise a deployment by: "1.4.3" for `…:1.4.3`, "sha256:4c1e7bd" (the digest's first
 * 7 hex digits) for a digest-only reference, and the reference itself when it has neither.
 */
export function imageVersion(reference: string): string {
  const parts = parseImageReference(reference);
  return parts.tag ?? (parts.digest ? parts.digest.slice(0, 14) : reference);
}
