/**
 * The in-memory GitOps writer (test/support/memory-gitops.mjs) that plan tests and the bench use in
 * place of git or GitHub: it must refuse a stale base as the real writers do, or a test of the retry
 * loop would pass against a writer that never conflicts (the loop over it: test/examples.test.ts).
 */
import { describe, expect, it } from "vitest";
import { gitBlobSha } from "../src/plan/blob-sha.js";
import { MemoryGitOps } from "./support/memory-gitops.mjs";

const repository = (files: Record<string, string> = { "README.md": "# GitOps\n" }) => new MemoryGitOps({ blobSha: gitBlobSha, files });

describe("the in-memory GitOps writer", () => {
  it("refuses a commit planned against a base another writer has moved, and changes nothing", async () => {
    const gitops = repository();
    const stale = await gitops.readTree();
    gitops.concurrentCommit({ "other.yaml": "theirs\n" });
    const moved = gitops.head;

    expect(await gitops.commit([{ path: "mine.yaml", content: "mine\n" }], "mine", stale.treeId)).toEqual({ kind: "conflict" });
    expect(gitops.head).toBe(moved);
    expect(Object.fromEntries(gitops.files)).toEqual({ "README.md": "# GitOps\n", "other.yaml": "theirs\n" });

    // Re-read, the same change lands on top of the other writer's.
    const fresh = await gitops.readTree();
    const landed = await gitops.commit([{ path: "mine.yaml", content: "mine\n" }], "mine", fresh.treeId);
    expect(landed).toEqual({ kind: "committed", sha: gitops.head });
    expect(Object.fromEntries(gitops.files)).toEqual({ "README.md": "# GitOps\n", "mine.yaml": "mine\n", "other.yaml": "theirs\n" });
    expect(gitops.messages()).toEqual(["initial content", "another writer", "mine"]);
  });

  it("creates the branch of an empty repository once: a second writer from the same empty read conflicts", async () => {
    const gitops = new MemoryGitOps({ blobSha: gitBlobSha });
    const empty = await gitops.readTree();
    expect(empty).toEqual({ treeId: "", tree: new Map() });
    expect((await gitops.commit([{ path: "a.yaml", content: "a\n" }], "first", empty.treeId)).kind).toBe("committed");
    expect(await gitops.commit([{ path: "b.yaml", content: "b\n" }], "second", empty.treeId)).toEqual({ kind: "conflict" });
    expect([...gitops.files.keys()]).toEqual(["a.yaml"]);
  });

  it("reports changes that produce the tree it has as unchanged, without a commit", async () => {
    const gitops = repository({ "a.yaml": "a\n" });
    const head = gitops.head;
    expect(await gitops.commit([{ path: "a.yaml", content: "a\n" }], "same", head)).toEqual({ kind: "unchanged", sha: head });
    expect(gitops.messages()).toEqual(["initial content"]);
  });

  it("serves blobs by their id in the snapshot read, as GitHub does, and the tree with git's blob ids", async () => {
    const gitops = repository({ "a.yaml": "old\n" });
    const before = await gitops.readTree();
    expect(before.tree.get("a.yaml")).toBe(gitBlobSha("old\n"));
    gitops.concurrentCommit({ "a.yaml": "new\n", "gone.yaml": null });
    expect(await gitops.readBlobs(["a.yaml", "missing.yaml"], before)).toEqual(new Map([["a.yaml", "old\n"]]));
    expect(await gitops.readBlobs(["a.yaml"], await gitops.readTree())).toEqual(new Map([["a.yaml", "new\n"]]));
  });
});
