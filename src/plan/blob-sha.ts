import { createHash } from "node:crypto";

/** The git blob id of `content` (UTF-8): lets the plan compare rendered files with a tree without fetching them. */
export function gitBlobSha(content: string): string {
  const body = Buffer.from(content, "utf8");
  return createHash("sha1")
    .update(`blob ${body.length}\0`)
    .update(body)
    .digest("hex");
}
