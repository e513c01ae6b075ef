/**
 * Mounts the self-service page on the App's server (Probot 14's addHandler): GitHub sign-in with
 * the App's OAuth client (GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET, which the manifest flow writes),
 * facts per installation through the installation's own token, cached PAVED_PORTAL_CACHE_MS.
 * Without a client id and secret the portal is not mounted at all: nothing is public by default.
 */
import type { ApplicationFunctionOptions, Probot } from "probot";
import { Octokit } from "octokit";
import type { GitHub } from "../github/client.js";
import { PortalFactsCache } from "../flows/portal-facts.js";
import { githubPortalAccess } from "../github/portal-access.js";
import { portalHandler } from "../portal/http.js";

export function mountPortal(app: Probot, options: ApplicationFunctionOptions | undefined, env: NodeJS.ProcessEnv = process.env): void {
  const clientId = env.GITHUB_CLIENT_ID;
  const clientSecret = env.GITHUB_CLIENT_SECRET;
  if (!options?.addHandler) return;
  if (!clientId || !clientSecret) {
    app.log.info("Paved portal: off (set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, from the app's settings, to serve /portal)");
    return;
  }
  const ttlMs = Number(env.PAVED_PORTAL_CACHE_MS ?? 60_000);
  const host = env.GHE_HOST;
  const webUrl = env.PAVED_GITHUB_WEB_URL ?? (host ? `https://${host}` : "https://github.com");
  const apiUrl = host ? `https://${host}/api/v3` : "https://api.github.com";
  const caches = new Map<number, PortalFactsCache>();
  const access = githubPortalAccess({
    clientId,
    clientSecret,
    sessionSecret: env.PAVED_SESSION_SECRET ?? clientSecret,
    webUrl,
    ...(env.PAVED_PUBLIC_URL ? { publicUrl: env.PAVED_PUBLIC_URL } : {}),
    accessTtlMs: ttlMs,
    userClient: (token) => new Octokit({ auth: token, baseUrl: apiUrl }) as unknown as GitHub,
    installationFacts: async (id, org) => {
      let cache = caches.get(id);
      if (!cache) {
        cache = new PortalFactsCache((await app.auth(id)) as unknown as GitHub, org, webUrl, ttlMs);
        caches.set(id, cache);
      }
      return cache.facts();
    },
  });
  const handle = portalHandler(access);
  options.addHandler((req, res) => handle(req, res));
}
