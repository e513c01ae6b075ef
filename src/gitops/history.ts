/** A local GitOps clone's history, read the way the App reads it through GitHub (argocd-feedback.ts). */
import type { Touching } from "../feedback/replay.js";
import type { GitOpsCommit } from "../report/history.js";
import type { GitRunner } from "./local.js";

/** Unit commits looked at per event, as in the App. */
const MAX_PENDING = 10;

/** The last `limit` commits from HEAD, newest first, with their messages. */
export async function localHistory(git: GitRunner, limit: number): Promise<Array<{ sha: string; message: string }>> {
  const out = (await git(["log", `-n${limit}`, "--format=%H%x1f%B%x1e", "HEAD"])).toString("utf8");
  return out
    .split("\x1e")
    .map((entry) => entry.replace(/^\n+/, ""))
    .filter((entry) => entry.includes("\x1f"))
    .map((entry) => {
      const [sha, message] = entry.split("\x1f") as [string, string];
      return { sha: sha.trim(), message };
    });
}

/** `git log <revision> -- <dir>`: the commits that touched a unit up to a revision; null for an unknown revision. */
export function localTouching(git: GitRunner): Touching {
  return async (revision, dir) => {
    if (!/^[0-9a-f]{40}$/.test(revision)) return null;
    try {
      await git(["cat-file", "-e", `${revision}^{commit}`]);
    } catch {
      return null;
    }
    const out = (await git(["log", `-n${MAX_PENDING}`, "--format=%H", revision, "--", dir])).toString("utf8");
    return out.split("\n").filter((line) => line !== "");
  };
}

/** Every commit of the current branch with a Paved-Action trailer, newest first (`paved history`); none in an empty repository. */
export async function deploymentLog(git: GitRunner): Promise<GitOpsCommit[]> {
  const head = (await git(["rev-parse", "-q", "--verify", "HEAD^{commit}"]).catch(() => Buffer.from(""))).toString("utf8").trim();
  if (head === "") return [];
  const out = (await git(["log", "--grep=^Paved-Action: ", "--format=%H%x1f%cI%x1f%B%x1e", head])).toString("utf8");
  return out
    .split("\x1e")
    .map((r) => r.replace(/^\n/, ""))
    .filter((r) => r.includes("\x1f"))
    .map((r) => {
      const [sha, date, ...message] = r.split("\x1f");
      return { sha: sha!, date: date!, message: message.join("\x1f") };
    });
}
