/**
 * Real git for the demo: repositories in a scratch folder, driven through the same runner the local
 * writer uses (execFile, no shell), isolated from the user's own git configuration so a global
 * signing key, hook path or default branch cannot change (or stall) the story.
 */
import { writeFile } from "node:fs/promises";
import { devNull } from "node:os";
import { join } from "node:path";
import { gitRunner, type GitRunner } from "../gitops/local.js";

/** No global or system config: identity, signing, hooks and colours are what the demo says. */
const ISOLATED: Record<string, string> = {
  GIT_CONFIG_GLOBAL: devNull,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
};

/** git in `dir`, isolated; `identity` (author and committer) for the repository's own commits. */
export function demoGit(dir: string, identity?: { name: string; email: string }): GitRunner {
  const base = gitRunner(dir);
  const who: Record<string, string> = identity
    ? {
        GIT_AUTHOR_NAME: identity.name,
        GIT_AUTHOR_EMAIL: identity.email,
        GIT_COMMITTER_NAME: identity.name,
        GIT_COMMITTER_EMAIL: identity.email,
      }
    : {};
  return (args, options = {}) => base(args, { ...options, env: { ...ISOLATED, ...who, ...options.env } });
}

export interface CommitFile {
  /** A (added), M (modified), D (deleted). */
  status: string;
  path: string;
  added: number;
  deleted: number;
}

export interface CommitInfo {
  sha: string;
  author: string;
  subject: string;
  body: string;
  files: CommitFile[];
}

/** An application repository a developer works in: branches, commits, merges. */
export class AppRepo {
  readonly git: GitRunner;

  constructor(
    readonly dir: string,
    identity: { name: string; email: string },
  ) {
    this.git = demoGit(dir, identity);
  }

  async text(args: string[]): Promise<string> {
    return (await this.git(args)).toString("utf8").trim();
  }

  async init(branch: string): Promise<void> {
    await this.git(["init", "-q", "-b", branch]);
  }

  /** Writes `path` in the work tree, stages it and commits: the new commit's sha. */
  async commitFile(path: string, content: string, message: string): Promise<string> {
    await writeFile(join(this.dir, path), content, "utf8");
    await this.git(["add", "--", path]);
    await this.git(["commit", "-q", "--no-verify", "-m", message]);
    return this.head();
  }

  async switchTo(branch: string, create = false): Promise<void> {
    await this.git(create ? ["switch", "-q", "-c", branch] : ["switch", "-q", branch]);
  }

  /** A merge commit of `branch` into the current branch, as GitHub's merge button makes it. */
  async merge(branch: string, message: string): Promise<string> {
    await this.git(["merge", "-q", "--no-ff", "--no-verify", "-m", message, branch]);
    return this.head();
  }

  async head(ref = "HEAD"): Promise<string> {
    return this.text(["rev-parse", "--verify", `${ref}^{commit}`]);
  }

  /** A file as committed at `ref` (what the app reads at a pull request's head sha). */
  async show(ref: string, path: string): Promise<string> {
    return (await this.git(["show", `${ref}:${path}`])).toString("utf8");
  }

  /** `git diff base...head` of one file, with one line of context. */
  async diff(base: string, head: string, path: string): Promise<string> {
    return (await this.git(["diff", "--no-color", "--unified=1", `${base}...${head}`, "--", path])).toString("utf8");
  }
}

/** What `git show --stat` tells about one commit, read with plumbing so the output is ours to format. */
export async function commitInfo(git: GitRunner, sha: string): Promise<CommitInfo> {
  const text = async (args: string[]) => (await git(args)).toString("utf8");
  const [header = "", ...bodyLines] = (await text(["show", "-s", "--format=%H%x00%an <%ae>%x00%s%x00%b", sha])).split("\n");
  const [full = sha, author = "", subject = "", firstBody = ""] = header.split("\0");
  const body = [firstBody, ...bodyLines].join("\n").trim();
  const statuses = new Map<string, string>();
  for (const line of (await text(["diff-tree", "-r", "--root", "--no-commit-id", "--no-renames", "--name-status", sha])).split("\n")) {
    const [status, path] = line.split("\t");
    if (status && path) statuses.set(path, status);
  }
  const files: CommitFile[] = [];
  for (const line of (await text(["diff-tree", "-r", "--root", "--no-commit-id", "--no-renames", "--numstat", sha])).split("\n")) {
    const [added, deleted, path] = line.split("\t");
    if (!path) continue;
    files.push({ status: statuses.get(path) ?? "M", path, added: Number(added) || 0, deleted: Number(deleted) || 0 });
  }
  return { sha: full, author, subject, body, files };
}
