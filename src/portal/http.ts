import type { IncomingMessage, ServerResponse } from "node:http";
import { deliveryMetrics, serviceKey } from "../metrics/delivery.js";
import { DEFAULT_WINDOW, parseWindow } from "../metrics/window.js";
import type { PortalFacts } from "./facts.js";
import { errorPage, overviewPage, servicePageHtml, type Chrome } from "./html.js";
import { PORTAL_CSS } from "./portal.css.js";
import { overview, servicePage } from "./view.js";

/**
 * The portal's routes, the same for the App and `paved portal`; who may see what is the `access`
 * port's business (GitHub sign-in in the App, nobody but the local user for a clone).
 *
 *   GET /portal                                    services by team, metrics tiles (?window=30d)
 *   GET /portal/services/<owner>/<repo>/<service>  one service: environments, history, its metrics
 *   GET /portal/api/metrics?window=30d             org, team and service metrics as JSON
 *   GET /portal/assets/portal.css                  the style sheet
 * and whatever `access.route` answers (sign-in, callback, sign-out).
 */
export type ViewerFacts = { facts: PortalFacts; viewer?: string };

export interface PortalAccess {
  /** Sign-in routes; true when it answered the request. */
  route?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** The facts this request's viewer may see, or null after answering it (e.g. sent to sign in). */
  viewerFacts(req: IncomingMessage, res: ServerResponse, url: URL): Promise<ViewerFacts | null>;
}

/** No script, no inline style, no framing, nothing from elsewhere; forms post only here. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function securityHeaders(res: ServerResponse): void {
  res.setHeader("content-security-policy", CONTENT_SECURITY_POLICY);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("cache-control", "private, no-store");
}

export function send(res: ServerResponse, status: number, type: string, body: string): void {
  securityHeaders(res);
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

export function portalHandler(access: PortalAccess, now: () => number = Date.now): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://portal.invalid");
    if (url.pathname !== "/portal" && !url.pathname.startsWith("/portal/")) return false;
    try {
      if (access.route && (await access.route(req, res, url))) return true;
      if (req.method !== "GET" && req.method !== "HEAD") {
        send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return true;
      }
      if (url.pathname === "/portal/assets/portal.css") {
        send(res, 200, "text/css; charset=utf-8", PORTAL_CSS);
        return true;
      }
      const window = parseWindow(url.searchParams.get("window") ?? DEFAULT_WINDOW, now());
      if ("error" in window) {
        send(res, 400, "text/html; charset=utf-8", errorPage(400, window.error));
        return true;
      }
      const seen = await access.viewerFacts(req, res, url);
      if (!seen) return true;
      const chrome: Chrome = { window, ...(seen.viewer ? { viewer: seen.viewer } : {}) };
      const metrics = deliveryMetrics(seen.facts.deployments, window);
      if (url.pathname === "/portal" || url.pathname === "/portal/") {
        send(res, 200, "text/html; charset=utf-8", overviewPage(overview(seen.facts), metrics, chrome));
        return true;
      }
      if (url.pathname === "/portal/api/metrics") {
        send(res, 200, "application/json; charset=utf-8", `${JSON.stringify({ window: { ...window, from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() }, ...metrics }, null, 2)}\n`);
        return true;
      }
      const m = /^\/portal\/services\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      const page = m ? servicePage(seen.facts, `${decode(m[1]!)}/${decode(m[2]!)}`, decode(m[3]!)) : null;
      if (!page) {
        // The same answer for "does not exist" and "you cannot read it".
        send(res, 404, "text/html; charset=utf-8", errorPage(404, "No such service among those you can read.", chrome));
        return true;
      }
      const own = metrics.services.find((s) => serviceKey(s) === serviceKey(page.row));
      send(res, 200, "text/html; charset=utf-8", servicePageHtml(page, own?.metrics ?? null, chrome));
      return true;
    } catch (error) {
      send(res, 502, "text/html; charset=utf-8", errorPage(502, `The portal could not read its facts: ${(error as Error).message}`));
      return true;
    }
  };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}
