/**
 * A GitOps repository in memory behind the writer interface of src/gitops/writer.ts (`readTree`,
 * `readBlobs`, `commit`), for plan tests and the bench (bench/gitops-state.mjs). Plain JavaScript so
 * the bench imports it as it is, as it does test/reliability/support/hostile-inputs.mjs.
 *
 * Like the local and GitHub writers, `commit` is a compare-and-swap: it lands only while the branch
 * still points at the commit the caller planned against, so a stale plan is refused with
 * `{ kind: "conflict" }` and the caller re-reads, as `applyWithRetry` does. `concurrentCommit` plays
 * the other writer.
 *
 * Blob ids come from the `blobSha` it is given (`gitBlobSha` of src/plan/blob-sha.ts, or of dist/ in
 * the bench): the plan compares them with the ids of what it renders, so they must be the same function.
 */
import { createHash } from "node:crypto";

export class MemoryGitOps {
  /** @type {Map<string, string>} path → blob id at the head of the branch */
  #tree = new Map();
  /** @type {Map<string, string>} blob id → content, every blob ever written (blobs are immutable, as in git) */
  #blobs = new Map();
  /** @type {(content: string) => string} */
  #blobSha;
  /** @type {string} the head commit ("" before the first one) */
  #head = "";
  /** @type {string[]} commit messages, oldest first */
  #log = [];

  /**
   * @param {{ blobSha: (content: string) => string; files?: Iterable<[string, string]> | Record<string, string> }} options
   *   `files`: the branch's content to start from, committed once (no files: an empty repository without a branch yet).
   */
  constructor(options) {
    this.#blobSha = options.blobSha;
    const files = options.files ?? [];
    const entries = Symbol.iterator in files ? [...files] : Object.entries(files);
    if (entries.length === 0) return;
    this.#tree = this.#applied(entries.map(([path, content]) => ({ path, content })));
    this.#record("initial content");
  }

  /** @returns {Promise<{ treeId: string; tree: Map<string, string> }>} */
  async readTree() {
    return { treeId: this.#head, tree: new Map(this.#tree) };
  }

  /**
   * Contents of files of `from` (by their blob ids there, as GitHub serves them); paths it does not hold are left out.
   * @param {string[]} paths
   * @param {{ tree: Map<string, string> }} from
   * @returns {Promise<Map<string, string>>}
   */
  async readBlobs(paths, from) {
    const blobs = new Map();
    for (const path of paths) {
      const sha = from.tree.get(path);
      const content = sha === undefined ? undefined : this.#blobs.get(sha);
      if (content !== undefined) blobs.set(path, content);
    }
    return blobs;
  }

  /**
   * One atomic commit, only if the branch still points at `expectedTreeId` (compare-and-swap).
   * @param {Array<{ path: string; content: string | null }>} changes
   * @param {string} message
   * @param {string} expectedTreeId
   * @returns {Promise<{ kind: "committed"; sha: string } | { kind: "unchanged"; sha: string } | { kind: "conflict" }>}
   */
  async commit(changes, message, expectedTreeId) {
    if (expectedTreeId !== this.#head) return { kind: "conflict" };
    const next = this.#applied(changes);
    if (this.#head !== "" && sameEntries(next, this.#tree)) return { kind: "unchanged", sha: this.#head };
    this.#tree = next;
    return { kind: "committed", sha: this.#record(message) };
  }

  /**
   * Another writer commits `files` (path → content; null deletes) now: what was read before is stale.
   * @param {Record<string, string | null>} files
   */
  concurrentCommit(files, message = "another writer") {
    this.#tree = this.#applied(Object.entries(files).map(([path, content]) => ({ path, content })));
    return this.#record(message);
  }

  /** The branch's files now: path → content, sorted by path (a copy). */
  get files() {
    return new Map([...this.#tree].sort(byPath).map(([path, sha]) => [path, this.#blobs.get(sha)]));
  }

  /** Commit messages, oldest first (the initial content included). */
  messages() {
    return [...this.#log];
  }

  get head() {
    return this.#head;
  }

  /** The head's tree with `changes` applied; their blobs are stored. */
  #applied(changes) {
    const next = new Map(this.#tree);
    for (const { path, content } of changes) {
      if (content === null) {
        next.delete(path);
        continue;
      }
      const sha = this.#blobSha(content);
      this.#blobs.set(sha, content);
      next.set(path, sha);
    }
    return next;
  }

  /** A new head: its id hashes the parent, the message and the tree (content-addressed, like git's, without dates). */
  #record(message) {
    const hash = createHash("sha1").update(`${this.#head}\n${message}\n`);
    for (const [path, sha] of [...this.#tree].sort(byPath)) hash.update(`${path}\0${sha}\n`);
    this.#head = hash.digest("hex");
    this.#log.push(message);
    return this.#head;
  }
}

function byPath([a], [b]) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameEntries(a, b) {
  if (a.size !== b.size) return false;
  for (const [path, sha] of a) if (b.get(path) !== sha) return false;
  return true;
}
