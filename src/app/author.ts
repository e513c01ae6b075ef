import type { Context } from "probot";
import type { CommentAuthor } from "../github/sticky-comment.js";

/**
 * The app Paved runs as, by id: GitHub records it on every comment an app writes, so the plan comment
 * is recognised as Paved's own and no one else's (another app's or a person's) ever is.
 */
export async function appAuthor(context: Context): Promise<CommentAuthor> {
  const auth = (await context.octokit.auth({ type: "app" })) as { appId?: number | string };
  return { appId: Number(auth.appId) };
}
