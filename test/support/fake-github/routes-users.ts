/**
 * Signed-in people, like GitHub: user access tokens from the OAuth web flow (the App's client id
 * and secret), `GET /user`, the installations of the app a user can reach and, per installation,
 * the repositories that user can read. Plus a pull request's commits, oldest first.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpError, errorBody, notFound, ok, paginate, type Req, type Router } from "./http.js";
import type { World } from "./state.js";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export class People {
  /** login → repositories (lower-case owner/name) the user can read. */
  readonly readable = new Map<string, Set<string>>();
  readonly tokens = new Map<string, string>();
  private readonly codes = new Map<string, { login: string; redirectUri: string }>();
  private next = 0;
  /** Who "clicks Authorize" on the fake github.com: the next sign-in is this user's. */
  signedIn: string | null = null;

  constructor(readonly client: OAuthClient) {}

  addUser(login: string, readable: string[]): void {
    this.readable.set(login, new Set(readable.map((r) => r.toLowerCase())));
  }

  /** A token for `login` as an OAuth exchange would give (tests that skip the browser). */
  tokenFor(login: string): string {
    this.next += 1;
    const token = `ghu_fake${this.next}_${login}`;
    this.tokens.set(token, login);
    return token;
  }

  authorize(redirectUri: string): string {
    if (!this.signedIn) throw new Error("nobody is signed in to the fake github.com");
    this.next += 1;
    const code = `code${this.next}`;
    this.codes.set(code, { login: this.signedIn, redirectUri });
    return code;
  }

  exchange(body: Record<string, string>): Record<string, string> {
    if (body.client_id !== this.client.clientId || body.client_secret !== this.client.clientSecret) {
      return { error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect." };
    }
    const grant = this.codes.get(body.code ?? "");
    this.codes.delete(body.code ?? "");
    if (!grant) return { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." };
    if (body.redirect_uri && body.redirect_uri !== grant.redirectUri) return { error: "redirect_uri_mismatch", error_description: "The redirect_uri MUST match the registered callback URL for this application." };
    return { access_token: this.tokenFor(grant.login), token_type: "bearer", scope: "" };
  }
}

export function userRoutes(router: Router, world: World, people: People): void {
  const userOf = (req: Req) => {
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const login = token ? people.tokens.get(token) : undefined;
    if (!login) throw new HttpError(401, errorBody(401, "Bad credentials"));
    return login;
  };
  const installationsOf = (login: string) => {
    const byId = new Map<number, string>();
    for (const r of world.repos.values()) {
      if (r.installationId !== null && people.readable.get(login)?.has(r.fullName.toLowerCase())) byId.set(r.installationId, r.owner);
    }
    return byId;
  };
  router.on("GET", "/user", (req) => ok(world.userJson(userOf(req), "User")));
  router.on("GET", "/user/installations", (req) => {
    const installations = [...installationsOf(userOf(req)).entries()].map(([id, owner]) => world.installationJson(id, owner));
    return ok({ total_count: installations.length, installations });
  });
  router.on("GET", "/user/installations/:id/repositories", (req) => {
    const login = userOf(req);
    const id = Number(req.params.id);
    if (!installationsOf(login).has(id)) throw notFound();
    const repos = [...world.repos.values()].filter((r) => r.installationId === id && people.readable.get(login)?.has(r.fullName.toLowerCase()));
    const page = paginate(req, repos.map((r) => world.repoJson(r)));
    return { ...page, data: { total_count: repos.length, repositories: page.data } };
  });
  router.on("GET", "/repos/:owner/:repo/pulls/:number/commits", (req) => {
    const repo = world.repo(`${req.params.owner}/${req.params.repo}`);
    const pr = repo.pulls.get(Number(req.params.number));
    if (!pr) throw notFound();
    const base = repo.store.ancestors(pr.base.sha);
    const commits = [...repo.store.ancestors(pr.head.sha)]
      .filter((sha) => !base.has(sha))
      .map((sha) => repo.store.commit(sha)!)
      .sort((a, b) => Date.parse(a.author.date) - Date.parse(b.author.date));
    return paginate(req, commits.map((c) => ({ sha: c.sha, commit: { author: c.author, committer: c.committer, message: c.message }, parents: c.parents.map((sha) => ({ sha })) })));
  });
}

/**
 * github.com's side of the web flow, on loopback for a browser: `/login/oauth/authorize` answers as
 * if the signed-in user clicked Authorize (a redirect back with a code and the state), and
 * `/login/oauth/access_token` exchanges the code (form or JSON body; JSON answer when asked).
 */
export async function startOAuthWeb(people: People): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      if (url.searchParams.get("client_id") !== people.client.clientId) return void res.writeHead(404).end("unknown client_id");
      const redirect = url.searchParams.get("redirect_uri") ?? "";
      let code: string;
      try {
        code = people.authorize(redirect);
      } catch (error) {
        return void res.writeHead(403).end((error as Error).message);
      }
      const back = new URL(redirect);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      return void res.writeHead(302, { location: back.href }).end();
    }
    if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      let raw = "";
      req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      req.on("end", () => {
        const body = (req.headers["content-type"] ?? "").includes("json") ? (JSON.parse(raw || "{}") as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
        const answer = people.exchange(body);
        if ((req.headers.accept ?? "").includes("json")) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
        else res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" }).end(new URLSearchParams(answer).toString());
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
