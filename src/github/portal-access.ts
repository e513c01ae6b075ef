/**
 * Who may see what on the App's portal: a person signs in with GitHub (the OAuth web flow of the
 * App's own client, `state` checked against a cookie) and sees the facts of the repositories their
 * own token can read among the App's installations. Nothing is shown without a session.
 *
 * GitHub calls per viewer: `GET /user` once at sign-in; then, at most every `accessTtlMs`,
 * `GET /user/installations` and one `GET /user/installations/{installation_id}/repositories` per 100
 * repositories of each (at most MAX_INSTALLATIONS).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { visibleTo, type PortalFacts } from "../portal/facts.js";
import { signInPage } from "../portal/html.js";
import { send, type PortalAccess, type ViewerFacts } from "../portal/http.js";
import { cookie, newState, readCookies, sameState, seal, SESSION_COOKIE, SESSION_MS, sessionKey, STATE_COOKIE, unseal, type Session } from "../portal/session.js";
import type { GitHub } from "./client.js";

export const MAX_INSTALLATIONS = 10;

export interface GitHubPortalOptions {
  clientId: string;
  clientSecret: string;
  /** Seals the session cookie; the client secret when no separate one is set. */
  sessionSecret: string;
  /** github.com, or the GitHub Enterprise Server's web address. */
  webUrl: string;
  /** Where people reach the App (https://paved.acme.io); else the request's Host. */
  publicUrl?: string;
  userClient(token: string): GitHub;
  installationFacts(installationId: number, org: string): Promise<PortalFacts>;
  accessTtlMs: number;
  now?: () => number;
}

interface Readable {
  at: number;
  installations: Array<{ id: number; org: string }>;
  repositories: Set<string>;
}

export function githubPortalAccess(options: GitHubPortalOptions): PortalAccess {
  const key = sessionKey(options.sessionSecret);
  const now = options.now ?? Date.now;
  const access = new Map<string, Readable>();
  const base = (req: IncomingMessage) => (options.publicUrl ?? `http://${req.headers.host ?? "localhost"}`).replace(/\/+$/, "");
  const secure = (req: IncomingMessage) => base(req).startsWith("https:");
  const callback = (req: IncomingMessage) => `${base(req)}/portal/callback`;

  const signIn = (res: ServerResponse, url: URL, message?: string) => {
    if (url.pathname.startsWith("/portal/api/")) send(res, 401, "application/json; charset=utf-8", `${JSON.stringify({ message: "sign in at /portal/login" })}\n`);
    else send(res, 401, "text/html; charset=utf-8", signInPage("/portal/login", message));
  };

  const readable = async (session: Session): Promise<Readable> => {
    const known = access.get(session.token);
    if (known && now() - known.at < options.accessTtlMs) return known;
    const gh = options.userClient(session.token);
    const { data } = await gh.request("GET /user/installations", { per_page: 100 });
    const installations = data.installations.slice(0, MAX_INSTALLATIONS).map((i) => ({ id: i.id, org: (i.account && "login" in i.account ? i.account.login : "") ?? "" }));
    const repositories = new Set<string>();
    for (const installation of installations) {
      const repos = await gh.paginate("GET /user/installations/{installation_id}/repositories", { installation_id: installation.id, per_page: 100 });
      for (const r of repos) repositories.add(r.full_name.toLowerCase());
    }
    const entry = { at: now(), installations, repositories };
    for (const [token, old] of access) if (now() - old.at >= options.accessTtlMs) access.delete(token);
    access.set(session.token, entry);
    return entry;
  };

  return {
    async route(req, res, url) {
      if (url.pathname === "/portal/login" && req.method === "GET") {
        const state = newState();
        const authorize = new URL(`${options.webUrl.replace(/\/+$/, "")}/login/oauth/authorize`);
        authorize.searchParams.set("client_id", options.clientId);
        authorize.searchParams.set("redirect_uri", callback(req));
        authorize.searchParams.set("state", state);
        res.setHeader("set-cookie", cookie(STATE_COOKIE, state, { maxAgeSeconds: 600, secure: secure(req) }));
        res.setHeader("referrer-policy", "no-referrer");
        res.writeHead(302, { location: authorize.href }).end();
        return true;
      }
      if (url.pathname === "/portal/callback" && req.method === "GET") {
        const expected = readCookies(req.headers.cookie).get(STATE_COOKIE);
        res.setHeader("set-cookie", cookie(STATE_COOKIE, "", { maxAgeSeconds: 0, secure: secure(req) }));
        const code = url.searchParams.get("code");
        if (!code || !sameState(expected, url.searchParams.get("state"))) {
          send(res, 400, "text/html; charset=utf-8", signInPage("/portal/login", "That sign-in did not start here (its state does not match): sign in again."));
          return true;
        }
        const token = await exchange(options, code, callback(req));
        if (!token) {
          send(res, 400, "text/html; charset=utf-8", signInPage("/portal/login", "GitHub refused the sign-in code: sign in again."));
          return true;
        }
        const { data: user } = await options.userClient(token).request("GET /user");
        const session: Session = { login: user.login, token, expires: now() + SESSION_MS };
        res.setHeader("set-cookie", [
          cookie(STATE_COOKIE, "", { maxAgeSeconds: 0, secure: secure(req) }),
          cookie(SESSION_COOKIE, seal(key, session), { maxAgeSeconds: SESSION_MS / 1000, secure: secure(req) }),
        ]);
        res.writeHead(303, { location: "/portal" }).end();
        return true;
      }
      if (url.pathname === "/portal/logout" && req.method === "POST") {
        const session = unseal(key, readCookies(req.headers.cookie).get(SESSION_COOKIE), now());
        if (session) access.delete(session.token);
        res.setHeader("set-cookie", cookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, secure: secure(req) }));
        res.writeHead(303, { location: "/portal" }).end();
        return true;
      }
      return false;
    },

    async viewerFacts(req, res, url): Promise<ViewerFacts | null> {
      const session = unseal(key, readCookies(req.headers.cookie).get(SESSION_COOKIE), now());
      if (!session) {
        signIn(res, url);
        return null;
      }
      let mine: Readable;
      try {
        mine = await readable(session);
      } catch (error) {
        if ((error as { status?: number }).status !== 401) throw error;
        res.setHeader("set-cookie", cookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, secure: secure(req) }));
        signIn(res, url, "Your GitHub sign-in expired: sign in again.");
        return null;
      }
      const all = await Promise.all(mine.installations.map((i) => options.installationFacts(i.id, i.org)));
      return { viewer: session.login, facts: visibleTo(merge(all), mine.repositories) };
    },
  };
}

/** The code for a user token; null when GitHub refuses it (expired, reused, wrong client). */
async function exchange(options: GitHubPortalOptions, code: string, redirectUri: string): Promise<string | null> {
  const response = await fetch(`${options.webUrl.replace(/\/+$/, "")}/login/oauth/access_token`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({ client_id: options.clientId, client_secret: options.clientSecret, code, redirect_uri: redirectUri }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return null;
  const body = (await response.json()) as { access_token?: unknown };
  return typeof body.access_token === "string" ? body.access_token : null;
}

function merge(all: PortalFacts[]): PortalFacts {
  const environments = new Map<string, { name: string; production: boolean }>();
  for (const f of all) for (const e of f.environments) if (!environments.has(e.name)) environments.set(e.name, e);
  return {
    environments: [...environments.values()],
    units: all.flatMap((f) => f.units),
    deployments: all.flatMap((f) => f.deployments),
    previews: all.flatMap((f) => f.previews),
    feedback: true,
    origin: all.map((f) => f.origin).join(", "),
  };
}
