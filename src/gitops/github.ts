import { httpStatus, type GitHub, type Repo } from "../github/client.js";
import type { Blobs, FileWrite, TreeSnapshot } from "../plan/types.js";
import { gitopsBlobs, type BlobCache } from "./blob-cache.js";
import type { CommitResult, GitOpsWriter } from "./writer.js";

const BLOB_READ_CONCURRENCY = 8;
/** Ownership indexes (plan/paths.ts `indexPath`), under any `gitops.directory`. */
const INDEX_FILE = /(^|\/)\.paved\/sources\//;

/**
 * The GitOps repository on GitHub, through the Git Data API: one recursive tree read, blobs only for
 * what the plan asks, and a commit in three calls whatever the number of files — `git/trees` with the
 * base tree and inline contents, `git/commits` without a custom author (so GitHub marks it Verified),
 * and a `force: false` ref update that fails when another writer moved the branch.
 */
export class GitHubWriter implements GitOpsWriter {
  private readonly treeOfCommit = new Map<string, string>();

  constructor(
    private readonly gh: GitHub,
    private readonly repo: Repo,
    private readonly branch: string,
    private readonly cache: BlobCache = gitopsBlobs,
  ) {}

  async readTree(): Promise<TreeSnapshot> {
    const head = await this.headCommit();
    if (!head) return { treeId: "", tree: new Map() };
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
      ...this.repo,
      tree_sha: head,
      recursive: "1",
    });
    if (data.truncated) {
      throw new Error(`the GitOps tree of ${this.repo.owner}/${this.repo.repo} is too large for one read (GitHub truncated it)`);
    }
    this.treeOfCommit.set(head, data.sha);
    const tree = new Map<string, string>();
    for (const entry of data.tree) {
      if (entry.type === "blob" && entry.path && entry.sha) tree.set(entry.path, entry.sha);
    }
    return { treeId: head, tree };
  }

  async readBlobs(paths: string[], from: TreeSnapshot): Promise<Blobs> {
    const blobs: Blobs = new Map();
    const queue: string[] = [];
    for (const path of paths) {
      const sha = from.tree.get(path);
      if (sha === undefined) continue;
      const cached = this.cache.get(sha);
      if (cached === undefined) queue.push(path);
      else blobs.set(path, cached);
    }
    const worker = async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        const sha = from.tree.get(path)!;
        const { data } = await this.gh.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { ...this.repo, file_sha: sha });
        const content = Buffer.from(data.content, "base64").toString("utf8");
        this.cache.set(sha, content);
        blobs.set(path, content);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BLOB_READ_CONCURRENCY, queue.length) }, worker));
    return blobs;
  }

  async commit(changes: FileWrite[], message: string, expectedTreeId: string): Promise<CommitResult> {
    const baseTree = expectedTreeId ? await this.treeOf(expectedTreeId) : undefined;
    const tree = await this.gh.request("POST /repos/{owner}/{repo}/git/trees", {
      ...this.repo,
      ...(baseTree ? { base_tree: baseTree } : {}),
      tree: changes.map((c) =>
        c.content === null
          ? { path: c.path, mode: "100644" as const, type: "blob" as const, sha: null }
          : { path: c.path, mode: "100644" as const, type: "blob" as const, content: c.content },
      ),
    });
    if (tree.data.sha === baseTree) return { kind: "unchanged", sha: expectedTreeId };
    // Trees and commits are content-addressed: retrying them after a lost response is harmless.
    const commit = await this.gh.request("POST /repos/{owner}/{repo}/git/commits", {
      ...this.repo,
      message,
      tree: tree.data.sha,
      parents: expectedTreeId ? [expectedTreeId] : [],
    });
    if (!(await this.moveBranch(commit.data.sha, expectedTreeId === ""))) return { kind: "conflict" };
    // What follows the commit (a gated environment's pull request) builds on it without reading it back.
    this.treeOfCommit.set(commit.data.sha, tree.data.sha);
    // The next plan of this source reads its ownership index (among these) from memory.
    for (const change of changes) if (change.content !== null && INDEX_FILE.test(change.path)) this.cache.remember(change.content);
    return { kind: "committed", sha: commit.data.sha };
  }

  /** Compare-and-swap: the branch moves only as a fast-forward from the commit we planned against. */
  private async moveBranch(sha: string, create: boolean): Promise<boolean> {
    try {
      if (create) {
        await this.gh.request("POST /repos/{owner}/{repo}/git/refs", { ...this.repo, ref: `refs/heads/${this.branch}`, sha });
      } else {
        await this.gh.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
          ...this.repo,
          ref: `heads/${this.branch}`,
          sha,
          force: false,
        });
      }
      return true;
    } catch (error) {
      // 422: "Update is not a fast forward" / "Reference already exists" — someone else committed first.
      if (httpStatus(error) === 422) return false;
      throw error;
    }
  }

  private async headCommit(): Promise<string | null> {
    try {
      const { data } = await this.gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
        ...this.repo,
        ref: `heads/${this.branch}`,
      });
      return data.object.sha;
    } catch (error) {
      // An empty repository, or no branch yet: the first commit creates it.
      if (httpStatus(error) === 409) return null;
      if (httpStatus(error) === 404) {
        await this.assertRepositoryReachable();
        return null;
      }
      throw error;
    }
  }

  /** A missing repository must not read as an empty tree: the plan would promise to create everything. */
  private async assertRepositoryReachable(): Promise<void> {
    try {
      await this.gh.request("GET /repos/{owner}/{repo}", { ...this.repo });
    } catch (error) {
      if (httpStatus(error) === 404 || httpStatus(error) === 403) {
        throw new GitOpsUnreachableError(
          `the GitOps repository ${this.repo.owner}/${this.repo.repo} does not exist or Paved is not installed on it (it needs contents: write there)`,
        );
      }
      throw error;
    }
  }

  /** The tree of a commit (cached from `readTree`). */
  async treeOf(commitSha: string): Promise<string> {
    const known = this.treeOfCommit.get(commitSha);
    if (known) return known;
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      ...this.repo,
      commit_sha: commitSha,
    });
    return data.tree.sha;
  }
}

export class GitOpsUnreachableError extends Error {
  override name = "GitOpsUnreachableError";
}
