import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Blobs, Tree, FileWrite, TreeSnapshot } from "../plan/types.js";
import type { CommitResult, GitOpsWriter } from "./writer.js";

/** Runs git with arguments (never through a shell); rejects with GitError on a non-zero exit. */
export type GitRunner = (args: string[], options?: { input?: string | Buffer; env?: Record<string, string> }) => Promise<Buffer>;

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | string | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ""} failed${code === undefined ? "" : ` (${code})`}: ${stderr.trim() || "no output"}`);
    this.name = "GitError";
  }
}

/** The work tree has changes Paved would overwrite: the user must commit or stash them first. */
export class DirtyWorkTreeError extends Error {
  constructor(dir: string, paths: string[]) {
    const shown = paths.slice(0, 5).join(", ") + (paths.length > 5 ? `, … (${paths.length} in all)` : "");
    super(`the GitOps work tree ${dir} has uncommitted changes (${shown}); commit or stash them first`);
    this.name = "DirtyWorkTreeError";
  }
}

const MAX_OUTPUT = 1024 * 1024 * 1024;

/** Inherited variables that would point git at another repository or index than `dir` (e.g. inside a git hook). */
const REPOSITORY_VARIABLES = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX"];

function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  return { ...env, ...extra };
}

export function gitRunner(dir: string): GitRunner {
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        "git",
        ["-C", dir, ...args],
        { encoding: "buffer", maxBuffer: MAX_OUTPUT, env: gitEnvironment(options.env) },
        (error, stdout, stderr) => {
          if (error) reject(new GitError(args, (error as NodeJS.ErrnoException).code ?? undefined, stderr.toString("utf8")));
          else resolve(stdout);
        },
      );
      // A git that exits without reading its input closes the pipe: its exit status tells what happened.
      child.stdin?.on("error", () => {});
      if (options.input === undefined) child.stdin?.end();
      else child.stdin?.end(options.input);
    });
}

/**
 * The GitOps repository as a local git work tree, on its current branch. A commit is written by
 * one `git fast-import` (the work tree and index are untouched), lands with a compare-and-swap
 * `update-ref`, and only then is the work tree synced: a failure at any step leaves the repository
 * as it was.
 */
export class LocalGitWriter implements GitOpsWriter {
  private readonly git: GitRunner;

  constructor(
    readonly dir: string,
    options: { git?: GitRunner } = {},
  ) {
    this.git = options.git ?? gitRunner(dir);
  }

  /** A read started before it is asked for (see `prefetchTree`), taken by the next `readTree`. */
  private prefetched: Promise<TreeSnapshot> | undefined;

  /**
   * Starts reading the tree now, so git works while the caller renders. Safe because every commit
   * is a compare-and-swap against the tree it planned on: a read that has gone stale conflicts.
   * Settles (never rejects) when the read is done.
   */
  prefetchTree(): Promise<void> {
    this.prefetched ??= this.readTreeNow();
    return this.prefetched.then(
      () => {},
      () => {}, // its error reaches whoever reads it
    );
  }

  readTree(): Promise<TreeSnapshot> {
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    return prefetched ?? this.readTreeNow();
  }

  private async readTreeNow(): Promise<TreeSnapshot> {
    // HEAD's commit, on a branch or detached (a CI checkout of a commit can be read; only committing needs a branch).
    const head = await this.head("HEAD");
    const tree: Tree = new Map();
    if (head === "") return { treeId: "", tree };
    const listing = (await this.git(["ls-tree", "-r", "-z", "--full-tree", head])).toString("utf8");
    for (const entry of listing.split("\0")) {
      // <mode> SP <type> SP <sha> TAB <path>; submodules (type commit) are not files.
      const tab = entry.indexOf("\t");
      if (tab === -1) continue;
      const [, type, sha] = entry.slice(0, tab).split(" ");
      if (type === "blob" && sha) tree.set(entry.slice(tab + 1), sha);
    }
    return { treeId: head, tree };
  }

  async readBlobs(paths: string[], from: TreeSnapshot): Promise<Blobs> {
    const wanted = paths.flatMap((path) => {
      const sha = from.tree.get(path);
      return sha ? [{ path, sha }] : [];
    });
    const blobs: Blobs = new Map();
    if (wanted.length === 0) return blobs;
    const out = await this.git(["cat-file", "--batch"], { input: wanted.map((w) => `${w.sha}\n`).join("") });
    let offset = 0;
    for (const { path } of wanted) {
      const eol = out.indexOf(0x0a, offset);
      const header = out.toString("utf8", offset, eol).split(" ");
      offset = eol + 1;
      if (header[1] === "missing" || header.length < 3) continue;
      const size = Number(header[2]);
      blobs.set(path, out.toString("utf8", offset, offset + size));
      offset += size + 1;
    }
    return blobs;
  }

  async commit(changes: FileWrite[], message: string, expectedTreeId: string): Promise<CommitResult> {
    // Independent reads, at once (each is a git process); their errors still come in this order.
    const [ref, , identity, head] = await allInOrder([this.branch(), this.assertClean(), this.identity(), this.head("HEAD")] as const);
    // Planned against another commit: re-plan before writing anything (the compare-and-swap would
    // refuse it too, but a change set that is a no-op against the planned tree never gets there).
    if (head !== expectedTreeId) return { kind: "conflict" };
    // fast-import can only leave its commit on a ref: one of our own, per attempt, removed afterwards.
    const scratch = `refs/paved/apply-${process.pid}-${randomUUID()}`;
    let landed = false;
    try {
      await this.git(["fast-import", "--quiet", "--done"], { input: fastImportStream(scratch, changes, message, identity, expectedTreeId) });
      const [sha, tree, baseTree] = await this.commitAndTrees(scratch, expectedTreeId);
      // Nothing to write against the planned tree, and the branch is still there: unchanged.
      if (tree === baseTree) return (await this.head(ref)) === expectedTreeId ? { kind: "unchanged", sha: expectedTreeId } : { kind: "conflict" };
      try {
        // Compare-and-swap: only if the branch still points at what we planned against ("" = must not
        // exist yet); the scratch ref goes in the same transaction.
        await this.git(["update-ref", "-m", firstLine(message), "--stdin"], { input: `update ${ref} ${sha} ${expectedTreeId}\ndelete ${scratch}\n` });
        landed = true;
      } catch (error) {
        if ((await this.head(ref)) !== expectedTreeId) return { kind: "conflict" };
        throw error;
      }
      // The branch moved: bring the (clean) work tree and index along.
      try {
        await this.git(["reset", "--hard", "--quiet", sha]);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`committed ${sha} to ${ref}, but could not update the work tree (${reason}); run \`git reset --hard\` in ${this.dir}`);
      }
      return { kind: "committed", sha };
    } finally {
      if (!landed) await this.git(["update-ref", "-d", scratch]).catch(() => {});
    }
  }

  /** The commit fast-import left on `scratch`, its tree, and the tree of `parent` (the empty tree for ""), in one git process. */
  private async commitAndTrees(scratch: string, parent: string): Promise<[string, string, string]> {
    const names = [scratch, `${scratch}^{tree}`, ...(parent === "" ? [] : [`${parent}^{tree}`])];
    const [sha = "", tree = "", baseTree] = (await this.git(["rev-parse", ...names])).toString("utf8").trim().split("\n");
    return [sha, tree, baseTree ?? (await this.git(["mktree"])).toString("utf8").trim()];
  }

  private async branch(): Promise<string> {
    const branch = await this.currentBranch();
    if (branch === undefined) throw new Error(`HEAD of ${this.dir} is detached: check out a branch to apply to`);
    return branch;
  }

  /** The checked-out branch's ref, undefined when HEAD is detached. */
  private async currentBranch(): Promise<string | undefined> {
    try {
      return (await this.git(["symbolic-ref", "-q", "HEAD"])).toString("utf8").trim();
    } catch (error) {
      if (error instanceof GitError && error.code === 1) return undefined;
      throw error;
    }
  }

  /** The branch's commit, "" when it has none yet (a new repository). */
  private async head(ref: string): Promise<string> {
    try {
      return (await this.git(["rev-parse", "-q", "--verify", `${ref}^{commit}`])).toString("utf8").trim();
    } catch (error) {
      if (error instanceof GitError && error.code === 1) return "";
      throw error;
    }
  }

  private async assertClean(): Promise<void> {
    const status = (await this.git(["status", "--porcelain=v1", "-z", "--untracked-files=all"])).toString("utf8");
    const paths = status
      .split("\0")
      .filter((e) => e.length > 3)
      .map((e) => e.slice(3));
    if (paths.length > 0) throw new DirtyWorkTreeError(this.dir, paths);
  }

  /**
   * The author and committer lines git itself would write (config, GIT_AUTHOR_* / GIT_COMMITTER_*,
   * EMAIL), with Paved's identity only where neither the repository nor the environment names one.
   */
  private async identity(): Promise<Identity> {
    const configured = async (key: string): Promise<boolean> => {
      try {
        return (await this.git(["config", "--get", key])).toString("utf8").trim() !== "";
      } catch {
        return false;
      }
    };
    const env = process.env;
    const [name, email] = await Promise.all([configured("user.name"), configured("user.email")]);
    const defaults: string[] = [];
    if (!name && !(env.GIT_AUTHOR_NAME && env.GIT_COMMITTER_NAME)) defaults.push("-c", "user.name=Paved");
    if (!email && !(env.GIT_AUTHOR_EMAIL && env.GIT_COMMITTER_EMAIL) && !env.EMAIL) defaults.push("-c", "user.email=paved@localhost");
    const ident = async (name: string) => (await this.git([...defaults, "var", name])).toString("utf8").trim();
    const [author, committer] = await Promise.all([ident("GIT_AUTHOR_IDENT"), ident("GIT_COMMITTER_IDENT")]);
    return { author, committer };
  }
}

interface Identity {
  /** `Name <email> <seconds> <+zone>`, as `git var` prints it. */
  author: string;
  committer: string;
}

/**
 * One commit on `ref` for `git fast-import`: every written file inline (one process and one pack
 * however many files; no scratch files, no loose objects), deletions as `D`, on top of `parent`
 * ("" = a root commit). `done` makes a truncated stream an error rather than a partial commit.
 */
export function fastImportStream(ref: string, changes: FileWrite[], message: string, identity: Identity, parent: string): string {
  const data = (text: string) => `data ${Buffer.byteLength(text, "utf8")}\n${text}\n`;
  const lines = [`commit ${ref}\n`, `author ${identity.author}\n`, `committer ${identity.committer}\n`, data(message)];
  if (parent !== "") lines.push(`from ${parent}\n`);
  for (const change of changes) {
    lines.push(change.content === null ? `D ${fastImportPath(change.path)}\n` : `M 100644 inline ${fastImportPath(change.path)}\n${data(change.content)}`);
  }
  lines.push("\ndone\n");
  return lines.join("");
}

/** A path as fast-import reads it: C-style quoted when it starts with a quote or holds a newline or backslash. */
function fastImportPath(path: string): string {
  if (!/^"|[\n\\]/.test(path)) return path;
  return `"${path.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\n")}"`;
}

/** Like Promise.all, but when several reject, the first in the list is the error (not the first in time). */
async function allInOrder<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0] ?? "paved";
}

/**
 * The GitHub repository (`owner/name`) a local clone's `origin` points at, if it is on GitHub,
 * and the commit checked out: the defaults for a CLI plan's source.
 */
export async function localSource(dir: string, git: GitRunner = gitRunner(dir)): Promise<{ repository?: string; sha?: string }> {
  const read = async (args: string[]): Promise<string | undefined> => {
    try {
      return (await git(args)).toString("utf8").trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const url = await read(["remote", "get-url", "origin"]);
  const sha = await read(["rev-parse", "-q", "--verify", "HEAD^{commit}"]);
  const repository = url === undefined ? undefined : githubRepository(url);
  return { ...(repository ? { repository } : {}), ...(sha ? { sha } : {}) };
}

/** `git@github.com:acme/payments.git`, `https://github.com/acme/payments`, `ssh://git@github.com/acme/payments.git` → acme/payments. */
export function githubRepository(url: string): string | undefined {
  const match = /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|[^@/]+@)github\.com[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match ? `${match[1]}/${match[2]}` : undefined;
}
