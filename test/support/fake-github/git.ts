/**
 * A content-addressed git object store with real git hashing: blob, tree and commit shas are
 * exactly what `git hash-object` / `git write-tree` / `git commit-tree` would produce.
 */
import { createHash } from "node:crypto";

export type EntryType = "blob" | "tree" | "commit";
export const MODES = ["100644", "100755", "040000", "160000", "120000"] as const;

export interface TreeEntry {
  name: string;
  /** API spelling: "100644", "100755", "040000" (tree), "160000" (submodule), "120000" (symlink). */
  mode: string;
  type: EntryType;
  sha: string;
}

/** A tree entry addressed by its full path (what a recursive tree listing shows). */
export interface PathEntry {
  path: string;
  mode: string;
  type: EntryType;
  sha: string;
}

export interface Person {
  name: string;
  email: string;
  /** ISO 8601, second precision, UTC ("2024-01-01T00:00:00Z"). */
  date: string;
}

export interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: Person;
  committer: Person;
  /** True for commits the app created without a custom author/committer (GitHub signs those). */
  verified: boolean;
}

type GitObject =
  { kind: "blob"; content: Buffer } | { kind: "tree"; entries: TreeEntry[] } | { kind: "commit"; commit: Commit };

/** One edit of a tree: `entry: null` deletes the path. */
export interface TreeChange {
  path: string;
  entry: { mode: string; type: EntryType; sha: string } | null;
}

export class GitError extends Error {}

export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

function hashObject(kind: string, body: Buffer): string {
  return createHash("sha1")
    .update(Buffer.concat([Buffer.from(`${kind} ${body.length}\0`), body]))
    .digest("hex");
}

/** The git blob sha of some content (`sha1("blob " + byteLength + "\0" + content)`). */
export function blobSha(content: string | Buffer): string {
  return hashObject("blob", Buffer.from(content));
}

/** Git orders tree entries by name bytes, comparing a subtree's name as if it ended with "/". */
function entryKey(e: TreeEntry): Buffer {
  return Buffer.from(e.type === "tree" ? `${e.name}/` : e.name);
}

function gitDate(iso: string): string {
  return `${Math.floor(Date.parse(iso) / 1000)} +0000`;
}

/** Splits and checks a tree path the way GitHub does ("a/b.yaml", never "/a", "a//b" or "../a"). */
export function splitPath(path: string): string[] {
  const parts = path.split("/");
  if (parts.some((p) => p === "" || p === "." || p === ".." || p === ".git")) {
    throw new GitError(`tree.path contains a malformed path component`);
  }
  return parts;
}

export class ObjectStore {
  private readonly objects = new Map<string, GitObject>();

  constructor() {
    this.putTree([]);
  }

  has(sha: string): boolean {
    return this.objects.has(sha);
  }

  kind(sha: string): GitObject["kind"] | undefined {
    return this.objects.get(sha)?.kind;
  }

  putBlob(content: string | Buffer): string {
    const buf = Buffer.from(content);
    const sha = hashObject("blob", buf);
    this.objects.set(sha, { kind: "blob", content: buf });
    return sha;
  }

  putTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => Buffer.compare(entryKey(a), entryKey(b)));
    const body = Buffer.concat(
      sorted.map((e) =>
        Buffer.concat([Buffer.from(`${e.mode.replace(/^0+/, "")} ${e.name}\0`), Buffer.from(e.sha, "hex")]),
      ),
    );
    const sha = hashObject("tree", body);
    this.objects.set(sha, { kind: "tree", entries: sorted });
    return sha;
  }

  putCommit(c: Omit<Commit, "sha">): Commit {
    const person = (p: Person) => `${p.name} <${p.email}> ${gitDate(p.date)}`;
    const text = [
      `tree ${c.tree}`,
      ...c.parents.map((p) => `parent ${p}`),
      `author ${person(c.author)}`,
      `committer ${person(c.committer)}`,
      "",
      c.message,
    ].join("\n");
    const commit: Commit = { ...c, sha: hashObject("commit", Buffer.from(text)) };
    this.objects.set(commit.sha, { kind: "commit", commit });
    return commit;
  }

  blob(sha: string): Buffer | undefined {
    const o = this.objects.get(sha);
    return o?.kind === "blob" ? o.content : undefined;
  }

  tree(sha: string): TreeEntry[] | undefined {
    const o = this.objects.get(sha);
    return o?.kind === "tree" ? o.entries : undefined;
  }

  commit(sha: string): Commit | undefined {
    const o = this.objects.get(sha);
    return o?.kind === "commit" ? o.commit : undefined;
  }

  /** Copies `sha` and everything reachable from it out of another store (a fork's objects). */
  copyFrom(other: ObjectStore, sha: string): void {
    const o = other.objects.get(sha);
    if (!o || this.objects.has(sha)) return;
    this.objects.set(sha, o);
    if (o.kind === "tree") o.entries.forEach((e) => this.copyFrom(other, e.sha));
    if (o.kind === "commit") [o.commit.tree, ...o.commit.parents].forEach((s) => this.copyFrom(other, s));
  }

  /** The entry at `path` inside a tree ("" is the tree itself). */
  lookup(treeSha: string, path: string): PathEntry | undefined {
    if (path === "") return { path: "", mode: "040000", type: "tree", sha: treeSha };
    let current: PathEntry | undefined;
    let sha = treeSha;
    for (const name of path.split("/")) {
      const e = this.tree(sha)?.find((x) => x.name === name);
      if (!e) return undefined;
      current = { path, mode: e.mode, type: e.type, sha: e.sha };
      sha = e.sha;
    }
    return current;
  }

  /** Every entry below a tree, depth first, a subtree listed before its contents (like `git ls-tree -r -t`). */
  walk(treeSha: string, prefix = ""): PathEntry[] {
    return (this.tree(treeSha) ?? []).flatMap((e) => {
      const entry: PathEntry = { path: prefix + e.name, mode: e.mode, type: e.type, sha: e.sha };
      return e.type === "tree" ? [entry, ...this.walk(e.sha, `${entry.path}/`)] : [entry];
    });
  }

  /** The non-tree entries of a tree, by full path. */
  flatten(treeSha: string): Map<string, PathEntry> {
    return new Map(
      this.walk(treeSha)
        .filter((e) => e.type !== "tree")
        .map((e) => [e.path, e]),
    );
  }

  /** Writes nested trees for a flat path → entry map; empty directories vanish as in git. */
  buildTree(flat: Map<string, Omit<PathEntry, "path">>): string {
    const children = new Map<string, Map<string, Omit<PathEntry, "path">>>();
    const entries: TreeEntry[] = [];
    for (const [path, e] of flat) {
      const slash = path.indexOf("/");
      if (slash < 0) {
        entries.push({ name: path, mode: e.mode, type: e.type, sha: e.sha });
      } else {
        const dir = path.slice(0, slash);
        if (!children.has(dir)) children.set(dir, new Map());
        children.get(dir)!.set(path.slice(slash + 1), e);
      }
    }
    for (const [name, sub] of children) {
      entries.push({ name, mode: "040000", type: "tree", sha: this.buildTree(sub) });
    }
    return this.putTree(entries);
  }

  /**
   * Applies changes in order to a base tree (GitHub's `POST git/trees` with `base_tree`).
   * Deleting a path that does not exist throws; setting a path replaces whatever was there.
   */
  applyChanges(baseTree: string | undefined, changes: TreeChange[]): string {
    const flat = baseTree ? this.flatten(baseTree) : new Map<string, PathEntry>();
    const removeUnder = (path: string) => {
      let found = flat.delete(path);
      for (const p of [...flat.keys()]) if (p.startsWith(`${path}/`)) found = flat.delete(p) || found;
      return found;
    };
    for (const { path, entry } of changes) {
      const parts = splitPath(path);
      if (entry === null) {
        if (!removeUnder(path)) throw new GitError("GitRPC::BadObjectState");
        continue;
      }
      removeUnder(path);
      // A file on the way down is replaced by a directory.
      for (let i = 1; i < parts.length; i++) flat.delete(parts.slice(0, i).join("/"));
      if (entry.type === "tree") {
        for (const e of this.flatten(entry.sha).values())
          flat.set(`${path}/${e.path}`, { ...e, path: `${path}/${e.path}` });
      } else {
        flat.set(path, { path, ...entry });
      }
    }
    return this.buildTree(flat);
  }

  /** Commits reachable from `sha` (itself included), newest first by breadth. */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0) {
      const s = queue.shift()!;
      if (seen.has(s)) continue;
      const c = this.commit(s);
      if (!c) continue;
      seen.add(s);
      queue.push(...c.parents);
    }
    return seen;
  }

  /** True when `ancestor` is `descendant` or reachable from it (a fast-forward from ancestor to descendant). */
  isAncestor(ancestor: string, descendant: string): boolean {
    return this.ancestors(descendant).has(ancestor);
  }

  /** The nearest common ancestor of two commits, if any. */
  mergeBase(a: string, b: string): string | undefined {
    const fromA = this.ancestors(a);
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const s = queue.shift()!;
      if (fromA.has(s)) return s;
      if (seen.has(s)) continue;
      seen.add(s);
      queue.push(...(this.commit(s)?.parents ?? []));
    }
    return undefined;
  }
}
