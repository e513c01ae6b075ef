import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Octokit, RequestError } from "octokit";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { blobSha, FakeGitHub } from "./support/fake-github.js";

const GITOPS = "acme/gitops";
const APP_REPO = "acme/payments";

/** A plain client: no retries, no throttling (its write queue spaces writes 1 s apart). */
const client = () => new Octokit({ auth: "x", request: { retries: 0 }, throttle: { enabled: false } });

async function status(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
    return { status: 200, message: "" };
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    return { status: err.status, message: (err.response?.data as { message?: string } | undefined)?.message ?? "" };
  }
}

let fake: FakeGitHub;
let octokit: Octokit;

beforeEach(() => {
  fake = new FakeGitHub().install();
  octokit = client();
  fake.addRepo(GITOPS, { files: { "README.md": "# gitops\n", "apps/prod/payments/values.yaml": "replicas: 2\n" } });
  fake.addRepo(APP_REPO, { files: { "platform.yaml": "name: payments\n" }, private: true });
});

afterEach(() => {
  expect(fake.unhandled).toEqual([]);
  fake.uninstall();
});

/** The writer under test in miniature: tree with base_tree + inline content, commit, non-forced ref update. */
async function writeFiles(files: Record<string, string | null>, message = "paved: render") {
  const [owner, repo] = GITOPS.split("/") as [string, string];
  const { data: ref } = await octokit.rest.git.getRef({ owner, repo, ref: "heads/main" });
  const { data: head } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: ref.object.sha });
  const { data: tree } = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: head.tree.sha,
    tree: Object.entries(files).map(([path, content]) =>
      content === null
        ? { path, mode: "100644" as const, type: "blob" as const, sha: null }
        : { path, mode: "100644" as const, type: "blob" as const, content },
    ),
  });
  const { data: commit } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message,
    tree: tree.sha,
    parents: [head.sha],
  });
  await octokit.rest.git.updateRef({ owner, repo, ref: "heads/main", sha: commit.sha, force: false });
  return commit;
}

describe("git objects", () => {
  it("hashes blobs, trees and commits exactly like git", () => {
    expect(blobSha("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    const dir = mkdtempSync(join(tmpdir(), "fake-github-"));
    try {
      const files = { "b.txt": "b\n", "a/x.yaml": "x: 1\n", "a.txt": "a\n", "a-b/z": "z" };
      fake.addRepo("acme/hash", { files });
      const env = {
        ...process.env,
        GIT_AUTHOR_NAME: "Octo Cat",
        GIT_AUTHOR_EMAIL: "octocat@github.com",
        GIT_COMMITTER_NAME: "Octo Cat",
        GIT_COMMITTER_EMAIL: "octocat@github.com",
      };
      const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", env }).trim();
      git("init", "-q");
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      git("add", ".");
      const commit = fake.getCommit("acme/hash", "main");
      expect(git("write-tree")).toBe(commit.tree);
      // The message on stdin is taken byte for byte (-m would append a newline).
      const date = `${Date.parse(commit.author.date) / 1000} +0000`;
      const sha = execFileSync("git", ["commit-tree", commit.tree], {
        cwd: dir,
        encoding: "utf8",
        input: commit.message,
        env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      }).trim();
      expect(sha).toBe(commit.sha);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("round-trips tree → commit → fast-forward ref update, with a verified app commit", async () => {
    const commit = await writeFiles({
      "apps/prod/payments/values.yaml": "replicas: 3\n",
      "apps/dev/payments/values.yaml": "replicas: 1\n",
      "README.md": null,
    });
    expect(commit.verification?.verified).toBe(true);
    expect(commit.author.name).toBe("paved[bot]");
    expect(fake.headSha(GITOPS)).toBe(commit.sha);
    expect(fake.readTree(GITOPS)).toEqual({
      "apps/prod/payments/values.yaml": "replicas: 3\n",
      "apps/dev/payments/values.yaml": "replicas: 1\n",
    });

    const { data: tree } = await octokit.rest.git.getTree({
      owner: "acme",
      repo: "gitops",
      tree_sha: commit.tree.sha,
      recursive: "1",
    });
    expect(tree.truncated).toBe(false);
    expect(tree.tree.map((e) => `${e.type} ${e.path}`)).toEqual([
      "tree apps",
      "tree apps/dev",
      "tree apps/dev/payments",
      "blob apps/dev/payments/values.yaml",
      "tree apps/prod",
      "tree apps/prod/payments",
      "blob apps/prod/payments/values.yaml",
    ]);
    const values = tree.tree.find((e) => e.path === "apps/dev/payments/values.yaml")!;
    expect(values).toMatchObject({ mode: "100644", sha: blobSha("replicas: 1\n"), size: 12 });

    const { data: blob } = await octokit.rest.git.getBlob({ owner: "acme", repo: "gitops", file_sha: values.sha! });
    expect(blob.encoding).toBe("base64");
    expect(Buffer.from(blob.content, "base64").toString()).toBe("replicas: 1\n");

    const { data: parent } = await octokit.rest.git.getCommit({
      owner: "acme",
      repo: "gitops",
      commit_sha: commit.parents[0]!.sha,
    });
    expect(parent.verification?.verified).toBe(false);

    const custom = await octokit.rest.git.createCommit({
      owner: "acme",
      repo: "gitops",
      message: "by hand",
      tree: commit.tree.sha,
      parents: [commit.sha],
      author: { name: "Jane", email: "jane@example.com" },
    });
    expect(custom.status).toBe(201);
    expect(custom.data.verification?.verified).toBe(false);
  });

  it("creates blobs and uses them by sha; rejects unknown shas and both sha and content", async () => {
    const { data: blob } = await octokit.rest.git.createBlob({
      owner: "acme",
      repo: "gitops",
      content: Buffer.from("bin\0ary").toString("base64"),
      encoding: "base64",
    });
    expect(blob.sha).toBe(blobSha(Buffer.from("bin\0ary")));
    const base = fake.getCommit(GITOPS, "main").tree;
    const { data: tree } = await octokit.rest.git.createTree({
      owner: "acme",
      repo: "gitops",
      base_tree: base,
      tree: [{ path: "bin/file", mode: "100644", type: "blob", sha: blob.sha }],
    });
    expect(tree.tree.map((e) => e.path)).toEqual(["README.md", "apps", "bin"]);
    expect(
      await status(
        octokit.rest.git.createTree({
          owner: "acme",
          repo: "gitops",
          tree: [{ path: "x", mode: "100644", type: "blob", sha: "0".repeat(40) }],
        }),
      ),
    ).toMatchObject({ status: 422 });
    expect(
      await status(
        octokit.request("POST /repos/{owner}/{repo}/git/trees", {
          owner: "acme",
          repo: "gitops",
          tree: [{ path: "x", mode: "100644", type: "blob", sha: blob.sha, content: "x" }],
        }),
      ),
    ).toEqual({
      status: 422,
      message: "Must supply either tree.sha or tree.content. Request will be rejected if both are present.",
    });
  });

  it("answers 422 when a tree deletes a path that does not exist", async () => {
    const base = fake.getCommit(GITOPS, "main").tree;
    const result = await status(
      octokit.rest.git.createTree({
        owner: "acme",
        repo: "gitops",
        base_tree: base,
        tree: [{ path: "apps/nope.yaml", mode: "100644", type: "blob", sha: null }],
      }),
    );
    expect(result).toEqual({ status: 422, message: "GitRPC::BadObjectState" });
  });

  it("refuses a non-fast-forward ref update after a concurrent commit, and accepts the retry", async () => {
    let sneaked = "";
    fake.beforeRefUpdate(GITOPS, () => {
      sneaked = fake.commit(GITOPS, "main", { files: { "apps/prod/other/values.yaml": "x: 1\n" } }, "someone else");
    });
    const first = await status(writeFiles({ "apps/prod/payments/values.yaml": "replicas: 5\n" }));
    expect(first).toEqual({ status: 422, message: "Update is not a fast forward" });
    expect(fake.headSha(GITOPS)).toBe(sneaked);

    const retry = await writeFiles({ "apps/prod/payments/values.yaml": "replicas: 5\n" });
    expect(retry.parents[0]!.sha).toBe(sneaked);
    expect(fake.readTree(GITOPS)).toMatchObject({
      "apps/prod/payments/values.yaml": "replicas: 5\n",
      "apps/prod/other/values.yaml": "x: 1\n",
    });
    expect(fake.callCount({ method: "PATCH", path: "/repos/acme/gitops/git/refs/heads/main" })).toBe(2);
    expect(fake.callCount({ method: "PATCH", status: 422 })).toBe(1);

    // force: true overwrites history, like GitHub.
    const orphan = fake.getCommit(GITOPS, sneaked).sha;
    const forced = await octokit.rest.git.updateRef({
      owner: "acme",
      repo: "gitops",
      ref: "heads/main",
      sha: orphan,
      force: true,
    });
    expect(forced.data.object.sha).toBe(orphan);
  });

  it("serves refs, contents and compare like GitHub", async () => {
    const missing = await status(octokit.rest.git.getRef({ owner: "acme", repo: "gitops", ref: "heads/nope" }));
    expect(missing).toEqual({ status: 404, message: "Not Found" });
    const main = fake.headSha(GITOPS);
    const created = await octokit.rest.git.createRef({
      owner: "acme",
      repo: "gitops",
      ref: "refs/heads/paved/pr-1",
      sha: main,
    });
    expect(created.status).toBe(201);
    expect(
      await status(
        octokit.rest.git.createRef({ owner: "acme", repo: "gitops", ref: "refs/heads/paved/pr-1", sha: main }),
      ),
    ).toEqual({
      status: 422,
      message: "Reference already exists",
    });
    const { data: matching } = await octokit.rest.git.listMatchingRefs({
      owner: "acme",
      repo: "gitops",
      ref: "heads/paved/",
    });
    expect(matching.map((r) => r.ref)).toEqual(["refs/heads/paved/pr-1"]);

    const { data: repo } = await octokit.rest.repos.get({ owner: "acme", repo: "payments" });
    expect(repo).toMatchObject({
      full_name: APP_REPO,
      default_branch: "main",
      private: true,
      html_url: "https://github.com/acme/payments",
      owner: { login: "acme" },
    });

    const { data: file } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "gitops",
      path: "apps/prod/payments/values.yaml",
      ref: main,
    });
    if (Array.isArray(file) || file.type !== "file") throw new Error("expected a file");
    expect(file.content).toMatch(/\n$/);
    expect(Buffer.from(file.content, "base64").toString()).toBe("replicas: 2\n");
    expect(file.sha).toBe(blobSha("replicas: 2\n"));
    const raw = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "payments",
      path: "platform.yaml",
      mediaType: { format: "raw" },
    });
    expect(raw.data).toBe("name: payments\n");
    const { data: dir } = await octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "apps/prod" });
    expect(Array.isArray(dir) && dir.map((e) => `${e.type}:${e.path}`)).toEqual(["dir:apps/prod/payments"]);
    expect(await status(octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "nope.yaml" }))).toEqual({
      status: 404,
      message: "Not Found",
    });
    expect(
      await status(octokit.rest.repos.getContent({ owner: "acme", repo: "gitops", path: "README.md", ref: "nope" })),
    ).toEqual({
      status: 404,
      message: "No commit found for the ref nope",
    });

    // Over 1 MB the contents API omits the content; the blobs API still serves it.
    const big = "x".repeat(1024 * 1024 + 1);
    fake.commit(APP_REPO, "main", { files: { "big.txt": big } });
    const { data: bigFile } = await octokit.rest.repos.getContent({ owner: "acme", repo: "payments", path: "big.txt" });
    expect(bigFile).toMatchObject({ type: "file", encoding: "none", content: "", size: big.length, sha: blobSha(big) });

    const next = fake.commit(GITOPS, "main", { files: { "README.md": "# changed\n", "new.txt": "n\n" } });
    const { data: cmp } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: "acme",
      repo: "gitops",
      basehead: `${main}...${next}`,
    });
    expect(cmp).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0 });
    expect(cmp.files?.map((f) => `${f.status} ${f.filename}`)).toEqual(["modified README.md", "added new.txt"]);
  });
});

describe("commit history", () => {
  it("lists commits from a sha, newest first, filtered by path and committer date, like GitHub", async () => {
    const first = fake.headSha(GITOPS);
    const a = fake.commit(GITOPS, "main", { files: { "apps/staging/api/app.yaml": "a\n" } }, "staging api");
    const b = fake.commit(GITOPS, "main", { files: { "README.md": "# changed\n" } }, "readme");
    const c = fake.commit(GITOPS, "main", { files: { "apps/staging/api/app.yaml": "c\n" } }, "staging api again");
    const list = async (query: Record<string, string | number>) =>
      (await octokit.request("GET /repos/{owner}/{repo}/commits", { owner: "acme", repo: "gitops", ...query })).data.map((x) => x.sha);
    expect(await list({})).toEqual([c, b, a, first]);
    expect(await list({ sha: b })).toEqual([b, a, first]);
    expect(await list({ sha: c, path: "apps/staging/api" })).toEqual([c, a]);
    expect(await list({ sha: b, path: "apps/staging/api", per_page: 1 })).toEqual([a]);
    const dated = fake.getCommit(GITOPS, b).committer.date;
    expect(await list({ since: dated, until: dated })).toEqual([b]);
    const message = (await octokit.request("GET /repos/{owner}/{repo}/commits", { owner: "acme", repo: "gitops", sha: a })).data[0]!.commit.message;
    expect(message).toBe("staging api");
    expect(await status(octokit.request("GET /repos/{owner}/{repo}/commits", { owner: "acme", repo: "gitops", sha: "f".repeat(40) }))).toMatchObject({ status: 404 });
  });
});

describe("pull requests and comments", () => {
  it("paginates comments across 3 pages with a real Link header", async () => {
    const head = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": "name: payments\nreplicas: 3\n" } });
    fake.addPull(APP_REPO, { number: 7, head: { ref: "feature" }, user: "jane" });
    expect(fake.pull(APP_REPO, 7).head.sha).toBe(head);
    for (let i = 0; i < 4; i++) fake.addComment(APP_REPO, 7, `human ${i}`, "jane");
    const { data: mine } = await octokit.rest.issues.createComment({
      owner: "acme",
      repo: "payments",
      issue_number: 7,
      body: "<!-- paved -->\nplan",
    });
    expect(mine.html_url).toBe(`https://github.com/acme/payments/pull/7#issuecomment-${mine.id}`);
    expect(mine.user?.login).toBe("paved[bot]");

    const first = await octokit.rest.issues.listComments({
      owner: "acme",
      repo: "payments",
      issue_number: 7,
      per_page: 2,
    });
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('page=3>; rel="last"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: "acme",
      repo: "payments",
      issue_number: 7,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(["human 0", "human 1", "human 2", "human 3", "<!-- paved -->\nplan"]);
    expect(fake.callCount({ method: "GET", path: "/repos/acme/payments/issues/7/comments" })).toBe(4);

    const edited = await octokit.rest.issues.updateComment({
      owner: "acme",
      repo: "payments",
      comment_id: mine.id,
      body: "<!-- paved -->\nplan v2",
    });
    expect(edited.data.body).toBe("<!-- paved -->\nplan v2");
    const theirs = fake.comments(APP_REPO, 7)[0]!;
    expect(
      await status(octokit.rest.issues.updateComment({ owner: "acme", repo: "payments", comment_id: 1, body: "x" })),
    ).toMatchObject({ status: 404 });
    expect(
      await status(
        octokit.rest.issues.createComment({
          owner: "acme",
          repo: "payments",
          issue_number: 7,
          body: "x".repeat(65537),
        }),
      ),
    ).toMatchObject({
      status: 422,
      message: "Validation Failed",
    });
    expect(
      await status(octokit.rest.issues.listComments({ owner: "acme", repo: "payments", issue_number: 99 })),
    ).toMatchObject({ status: 404 });

    const reaction = await octokit.rest.reactions.createForIssueComment({
      owner: "acme",
      repo: "payments",
      comment_id: theirs.id,
      content: "eyes",
    });
    expect(reaction.status).toBe(201);
    expect(
      (
        await octokit.rest.reactions.createForIssueComment({
          owner: "acme",
          repo: "payments",
          comment_id: theirs.id,
          content: "eyes",
        })
      ).status,
    ).toBe(200);
    expect(
      (await octokit.rest.issues.deleteComment({ owner: "acme", repo: "payments", comment_id: mine.id })).status,
    ).toBe(204);
  });

  it("keeps PR heads in step with pushes, lists reviews and PRs for a commit, reads fork commits", async () => {
    fake.commit(APP_REPO, "feature", { files: { "platform.yaml": "v: 1\n" } });
    fake.addPull(APP_REPO, { number: 1, head: { ref: "feature" } });
    const pushed = fake.commit(APP_REPO, "feature", { files: { "platform.yaml": "v: 2\n" } });
    const { data: pr } = await octokit.rest.pulls.get({ owner: "acme", repo: "payments", pull_number: 1 });
    expect(pr.head.sha).toBe(pushed);
    expect(pr.html_url).toBe("https://github.com/acme/payments/pull/1");
    const { data: assoc } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: "acme",
      repo: "payments",
      commit_sha: pushed,
    });
    expect(assoc.map((p) => p.number)).toEqual([1]);

    fake.addReview(APP_REPO, 1, { user: "alice", state: "APPROVED" });
    fake.addReview(APP_REPO, 1, { user: "bob", state: "CHANGES_REQUESTED", commit_id: "abc" });
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
      owner: "acme",
      repo: "payments",
      pull_number: 1,
      per_page: 1,
    });
    expect(reviews.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([
      ["alice", "APPROVED", pushed],
      ["bob", "CHANGES_REQUESTED", "abc"],
    ]);

    // A fork: its commit is readable from the base repository by sha; check runs list no PRs for it.
    fake.addRepo("mallory/payments", { files: { "platform.yaml": "evil: true\n" } });
    const forkSha = fake.headSha("mallory/payments");
    fake.addPull(APP_REPO, { number: 2, head: { ref: "main", repo: "mallory/payments" } });
    const { data: forkPr } = await octokit.rest.pulls.get({ owner: "acme", repo: "payments", pull_number: 2 });
    expect(forkPr.head).toMatchObject({
      sha: forkSha,
      label: "mallory:main",
      repo: { full_name: "mallory/payments", fork: true },
    });
    const { data: file } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "payments",
      path: "platform.yaml",
      ref: forkSha,
    });
    expect(!Array.isArray(file) && file.type === "file" && Buffer.from(file.content, "base64").toString()).toBe(
      "evil: true\n",
    );
    const { data: forkRun } = await octokit.rest.checks.create({
      owner: "acme",
      repo: "payments",
      name: "paved",
      head_sha: forkSha,
    });
    expect(forkRun.pull_requests).toEqual([]);
    const { data: run } = await octokit.rest.checks.create({
      owner: "acme",
      repo: "payments",
      name: "paved",
      head_sha: pushed,
    });
    expect(run.pull_requests.map((p) => p.number)).toEqual([1]);
  });

  it("creates, finds, updates and merges pull requests in the GitOps repository", async () => {
    fake.commit(GITOPS, "paved/payments", { files: { "apps/prod/payments/values.yaml": "replicas: 9\n" } });
    const { data: pr } = await octokit.rest.pulls.create({
      owner: "acme",
      repo: "gitops",
      head: "paved/payments",
      base: "main",
      title: "Render payments",
    });
    expect(pr.state).toBe("open");
    expect(
      await status(
        octokit.rest.pulls.create({
          owner: "acme",
          repo: "gitops",
          head: "paved/payments",
          base: "main",
          title: "again",
        }),
      ),
    ).toMatchObject({
      status: 422,
      message: "Validation Failed",
    });
    const { data: found } = await octokit.rest.pulls.list({
      owner: "acme",
      repo: "gitops",
      head: "acme:paved/payments",
      state: "open",
    });
    expect(found.map((p) => p.number)).toEqual([pr.number]);
    const { data: none } = await octokit.rest.pulls.list({
      owner: "acme",
      repo: "gitops",
      head: "acme:other",
      state: "open",
    });
    expect(none).toEqual([]);
    await octokit.rest.pulls.update({
      owner: "acme",
      repo: "gitops",
      pull_number: pr.number,
      title: "Render payments (2)",
    });
    expect(fake.pull(GITOPS, pr.number).title).toBe("Render payments (2)");

    fake.commit(GITOPS, "main", { files: { "unrelated.txt": "u\n" } });
    const merged = fake.mergePull(GITOPS, pr.number);
    expect(fake.getCommit(GITOPS, merged).parents).toHaveLength(2);
    expect(fake.readTree(GITOPS)).toMatchObject({
      "unrelated.txt": "u\n",
      "apps/prod/payments/values.yaml": "replicas: 9\n",
    });
    const { data: assoc } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: "acme",
      repo: "gitops",
      commit_sha: merged,
    });
    expect(assoc.map((p) => [p.number, p.merged_at !== null])).toEqual([[pr.number, true]]);
  });
});

describe("check runs", () => {
  const annotations = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({
      path: "platform.yaml",
      start_line: from + i + 1,
      end_line: from + i + 1,
      annotation_level: "warning" as const,
      message: `m${from + i}`,
    }));

  it("appends annotations across updates and enforces GitHub's limits", async () => {
    const sha = fake.headSha(APP_REPO);
    const { data: run } = await octokit.rest.checks.create({
      owner: "acme",
      repo: "payments",
      name: "paved",
      head_sha: sha,
      status: "in_progress",
      output: { title: "Plan", summary: "s", annotations: annotations(50) },
    });
    expect(run.html_url).toMatch(/^https:\/\/github.com\/acme\/payments\/runs\/\d+$/);
    await octokit.rest.checks.update({
      owner: "acme",
      repo: "payments",
      check_run_id: run.id,
      output: { title: "Plan", summary: "s", annotations: annotations(30, 50) },
    });
    await octokit.rest.checks.update({
      owner: "acme",
      repo: "payments",
      check_run_id: run.id,
      conclusion: "failure",
      output: { title: "Plan", summary: "done" },
    });

    const { data: got } = await octokit.rest.checks.get({ owner: "acme", repo: "payments", check_run_id: run.id });
    expect(got).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { summary: "done", annotations_count: 80 },
    });
    const all = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      owner: "acme",
      repo: "payments",
      check_run_id: run.id,
      per_page: 100,
    });
    expect(all.map((a) => a.message)).toEqual(annotations(80).map((a) => a.message));

    const tooMany = await status(
      octokit.rest.checks.update({
        owner: "acme",
        repo: "payments",
        check_run_id: run.id,
        output: { title: "t", summary: "s", annotations: annotations(51) },
      }),
    );
    expect(tooMany).toEqual({
      status: 422,
      message: "Invalid request.\n\nNo more than 50 items are allowed; 51 were supplied.",
    });
    // 32768 two-byte characters: under 65535 characters, over 65535 bytes.
    const tooLong = await status(
      octokit.rest.checks.update({
        owner: "acme",
        repo: "payments",
        check_run_id: run.id,
        output: { title: "t", summary: "é".repeat(32768) },
      }),
    );
    expect(tooLong).toEqual({
      status: 422,
      message: "Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.",
    });
    const columns = await status(
      octokit.rest.checks.update({
        owner: "acme",
        repo: "payments",
        check_run_id: run.id,
        output: {
          title: "t",
          summary: "s",
          annotations: [
            {
              path: "a",
              start_line: 1,
              end_line: 2,
              start_column: 1,
              end_column: 3,
              annotation_level: "notice",
              message: "m",
            },
          ],
        },
      }),
    );
    expect(columns.status).toBe(422);
    expect(fake.checkRuns(APP_REPO, { name: "paved" })[0]!.annotations).toHaveLength(80);

    await octokit.rest.checks.create({ owner: "acme", repo: "payments", name: "other", head_sha: sha });
    const { data: list } = await octokit.rest.checks.listForRef({
      owner: "acme",
      repo: "payments",
      ref: "main",
      check_name: "paved",
    });
    expect(list.total_count).toBe(1);
    expect(list.check_runs[0]!.id).toBe(run.id);
    expect(
      await status(
        octokit.rest.checks.create({ owner: "acme", repo: "payments", name: "paved", head_sha: "f".repeat(40) }),
      ),
    ).toMatchObject({ status: 422 });
  });
});

describe("apps, teams, deployments", () => {
  it("serves installations, tokens and team memberships", async () => {
    const { data: inst } = await octokit.rest.apps.getRepoInstallation({ owner: "acme", repo: "payments" });
    expect(inst.id).toBe(1);
    expect((await octokit.rest.apps.getOrgInstallation({ org: "acme" })).data.account).toMatchObject({ login: "acme" });
    expect(await status(octokit.rest.apps.getOrgInstallation({ org: "nobody" }))).toMatchObject({ status: 404 });
    const { data: all } = await octokit.request("GET /app/installations");
    expect(all.map((i) => [i.id, i.account?.login, i.app_id])).toEqual([[1, "acme", 1]]);
    const token = await octokit.rest.apps.createInstallationAccessToken({ installation_id: 1 });
    expect(token.status).toBe(201);
    expect(token.data.token).toMatch(/^ghs_/);

    fake.addTeamMember("acme", "payments-team", "jane", "maintainer");
    const { data: m } = await octokit.rest.teams.getMembershipForUserInOrg({
      org: "acme",
      team_slug: "payments-team",
      username: "jane",
    });
    expect(m).toMatchObject({ state: "active", role: "maintainer" });
    expect(
      await status(
        octokit.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "payments-team", username: "bob" }),
      ),
    ).toEqual({ status: 404, message: "Not Found" });
  });

  it("records deployments and their statuses", async () => {
    const sha = fake.headSha(GITOPS);
    const { data: d } = await octokit.rest.repos.createDeployment({
      owner: "acme",
      repo: "gitops",
      ref: sha,
      environment: "prod",
      auto_merge: false,
      required_contexts: [],
      description: "payments@abc",
      payload: { units: ["payments/prod"] },
    });
    if (!("id" in d)) throw new Error("expected a deployment");
    expect(d).toMatchObject({ sha, environment: "prod", payload: { units: ["payments/prod"] } });
    await octokit.rest.repos.createDeploymentStatus({
      owner: "acme",
      repo: "gitops",
      deployment_id: d.id,
      state: "success",
      environment_url: "https://pay.example.com",
      log_url: "https://argo/x",
    });
    expect(fake.deployments(GITOPS)[0]).toMatchObject({
      autoMerge: false,
      requiredContexts: [],
      statuses: [{ state: "success", environmentUrl: "https://pay.example.com", logUrl: "https://argo/x" }],
    });
    const { data: list } = await octokit.rest.repos.listDeployments({
      owner: "acme",
      repo: "gitops",
      sha,
      environment: "prod",
    });
    expect(list.map((x) => x.id)).toEqual([d.id]);
    expect(
      (await octokit.rest.repos.listDeployments({ owner: "acme", repo: "gitops", environment: "dev" })).data,
    ).toEqual([]);
  });
});

describe("observability and faults", () => {
  it("injects server errors and secondary rate limits", async () => {
    fake.failNext({ method: "GET", pathMatch: /\/git\/ref\//, status: 502 });
    expect(await status(octokit.rest.git.getRef({ owner: "acme", repo: "gitops", ref: "heads/main" }))).toMatchObject({
      status: 502,
    });
    expect((await octokit.rest.git.getRef({ owner: "acme", repo: "gitops", ref: "heads/main" })).status).toBe(200);
    expect(fake.calls.map((c) => [c.status, c.injected ?? false])).toEqual([
      [502, true],
      [200, false],
    ]);

    // Through Octokit's throttling plugin: the 403 is recognised as a secondary rate limit and retried.
    const limited: number[] = [];
    const throttled = new Octokit({
      auth: "x",
      request: { retries: 0 },
      throttle: {
        retryAfterBaseValue: 1,
        onRateLimit: () => false,
        onSecondaryRateLimit: (retryAfter: number) => {
          limited.push(retryAfter);
          return true;
        },
      },
    });
    fake.failNext({ status: 403, pathMatch: /^\/repos\/acme\/payments$/ });
    const { data } = await throttled.rest.repos.get({ owner: "acme", repo: "payments" });
    expect(data.full_name).toBe(APP_REPO);
    expect(limited).toHaveLength(1);
    expect(fake.callCount({ path: "/repos/acme/payments" })).toBe(2);

    fake.failNext({ status: 500, times: 2, body: { message: "boom" } });
    expect(await status(octokit.rest.repos.get({ owner: "acme", repo: "payments" }))).toEqual({
      status: 500,
      message: "boom",
    });
    expect(await status(octokit.rest.repos.get({ owner: "acme", repo: "payments" }))).toMatchObject({ status: 500 });
    expect(await status(octokit.rest.repos.get({ owner: "acme", repo: "payments" }))).toEqual({
      status: 200,
      message: "",
    });
  });

  it("delays matching requests", async () => {
    fake.delayNext({ method: "GET", pathMatch: /\/repos\/acme\/gitops$/, ms: 50 });
    const slow = octokit.rest.repos.get({ owner: "acme", repo: "gitops" }).then(() => "slow");
    const fast = octokit.rest.repos.get({ owner: "acme", repo: "payments" }).then(() => "fast");
    const order: string[] = [];
    await Promise.all([slow, fast].map((p) => p.then((x) => order.push(x))));
    expect(order).toEqual(["fast", "slow"]);
  });

  it("records unhandled requests (and only those) and resets", async () => {
    expect(
      await status(octokit.request("GET /repos/{owner}/{repo}/branches", { owner: "acme", repo: "gitops" })),
    ).toEqual({ status: 404, message: "Not Found" });
    expect(await status(octokit.rest.repos.get({ owner: "acme", repo: "missing" }))).toMatchObject({ status: 404 });
    expect(fake.unhandled).toEqual([
      { method: "GET", path: "/repos/acme/gitops/branches", query: {}, body: undefined },
    ]);
    expect(fake.callCount()).toBe(2);
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.unhandled).toEqual([]);
    expect(await status(octokit.rest.repos.get({ owner: "acme", repo: "gitops" }))).toMatchObject({ status: 404 });
  });
});

describe("with a real Probot", () => {
  it("authenticates as an installation and reads files through the fake", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const probot = new Probot({
      appId: 1,
      privateKey,
      logLevel: "fatal",
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    });
    let seen = "";
    await probot.load((app) => {
      app.on("push", async (context) => {
        const { data } = await context.octokit.rest.repos.getContent(
          context.repo({ path: "platform.yaml", ref: context.payload.after }),
        );
        if (!Array.isArray(data) && data.type === "file") seen = Buffer.from(data.content, "base64").toString();
      });
    });
    const after = fake.headSha(APP_REPO);
    await probot.receive({
      id: "delivery-1",
      name: "push",
      // Only the fields the handler reads; real tests adapt @octokit/webhooks-examples payloads.
      payload: {
        after,
        ref: "refs/heads/main",
        installation: { id: 1 },
        repository: { name: "payments", owner: { login: "acme" } },
      } as never,
    });
    expect(seen).toBe("name: payments\n");
    expect(fake.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      "POST /app/installations/1/access_tokens 201",
      "GET /repos/acme/payments/contents/platform.yaml 200",
    ]);
  });
});
