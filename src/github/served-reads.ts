/**
 * A GitHub client that answers some REST reads from what was already read (an event's one GraphQL
 * query, event-facts.ts) and sends every other request to GitHub. A read is served only when route and
 * parameters match exactly what was read — the same owner/repo, path, ref or sha — so the readers stay
 * unchanged, and anything not recorded is read over REST as it always was.
 */
import { CHECK_NAME } from "./paved-check.js";
import type { GitHub, Repo } from "./client.js";

/** What a served read answers: the file's text and blob sha, or that it does not exist (REST's 404). */
export type FileAnswer = { text: string; sha: string } | "absent";

/** The reads one event's query answered, keyed like the REST requests they stand for. */
export class ServedReads {
  readonly files = new Map<string, FileAnswer>();
  readonly pulls = new Map<string, unknown[]>();
  readonly checks = new Map<string, unknown>();
  readonly reviews = new Map<string, unknown[]>();
  readonly commits = new Map<string, unknown>();

  static pullKey(repo: Repo, number: number): string {
    return `${repo.owner}/${repo.repo}#${number}`.toLowerCase();
  }

  static fileKey(repo: Repo, path: string, ref: string | undefined): string {
    // Owner and name are case-insensitive on GitHub; a path in git is not.
    return `${`${repo.owner}/${repo.repo}`.toLowerCase()}@${ref ?? ""}:${path}`;
  }

  static commitKey(repo: Repo, sha: string): string {
    return `${repo.owner}/${repo.repo}@${sha}`.toLowerCase();
  }
}

const notFound = () => Object.assign(new Error("Not Found (answered by the event's GraphQL read)"), { status: 404 });

type Params = Record<string, unknown>;
const ok = (data: unknown) => ({ status: 200, url: "", headers: {}, data });

/** The served REST reads: a file (contents API), the pushed commit, and the commit's check listing (once). */
function answerOf(answers: ServedReads, route: string, params: Params): (() => unknown) | undefined {
  const repo = { owner: String(params.owner), repo: String(params.repo) };
  if (route === "GET /repos/{owner}/{repo}/contents/{path}" && Object.keys(params).every((k) => ["owner", "repo", "path", "ref"].includes(k))) {
    const file = answers.files.get(ServedReads.fileKey(repo, String(params.path), params.ref as string | undefined));
    if (file === undefined) return undefined;
    return () => {
      if (file === "absent") throw notFound();
      return ok({ type: "file", encoding: "base64", path: params.path, sha: file.sha, size: Buffer.byteLength(file.text), content: Buffer.from(file.text, "utf8").toString("base64") });
    };
  }
  if (route === "GET /repos/{owner}/{repo}/git/commits/{commit_sha}" && Object.keys(params).every((k) => ["owner", "repo", "commit_sha"].includes(k))) {
    const commit = answers.commits.get(ServedReads.commitKey(repo, String(params.commit_sha)));
    return commit === undefined ? undefined : () => ok(commit);
  }
  if (route === "GET /repos/{owner}/{repo}/commits/{ref}/check-runs" && params.check_name === CHECK_NAME) {
    const key = ServedReads.commitKey(repo, String(params.ref));
    const listing = answers.checks.get(key);
    if (listing === undefined) return undefined;
    // Once: a later look (a lost creation's answer, a re-check) must see GitHub as it is then.
    answers.checks.delete(key);
    return () => ok(listing);
  }
  return undefined;
}

export function serving(gh: GitHub, answers: ServedReads): GitHub {
  const request = Object.assign(async (route: unknown, params?: Params) => {
    const answer = typeof route === "string" ? answerOf(answers, route, params ?? {}) : undefined;
    return answer ? answer() : gh.request(route as never, params as never);
  }, gh.request);
  const paginate = Object.assign(async (route: unknown, params?: Params, ...rest: unknown[]) => {
    if (route === "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls" && rest.length === 0 && params) {
      const listed = answers.pulls.get(ServedReads.commitKey({ owner: String(params.owner), repo: String(params.repo) }, String(params.commit_sha)));
      if (listed) return listed;
    }
    if (route === "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews" && rest.length === 0 && params) {
      const listed = answers.reviews.get(ServedReads.pullKey({ owner: String(params.owner), repo: String(params.repo) }, Number(params.pull_number)));
      if (listed) return listed;
    }
    return (gh.paginate as unknown as (...args: unknown[]) => Promise<unknown>)(route, params, ...rest);
  }, gh.paginate);
  return { request, paginate } as unknown as GitHub;
}
