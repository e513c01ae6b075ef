/** HTTP plumbing of the fake: routing, GitHub-shaped errors, pagination, base64 like the API. */

export const API = "https://api.github.com";
export const WEB = "https://github.com";

export interface Req {
  method: string;
  /** Decoded path, no query. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are untyped JSON
  body: any;
  headers: Record<string, string>;
}

export interface Reply {
  status: number;
  data?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: Req) => Reply | Promise<Reply>;

/** An error response; thrown by handlers, turned into a reply by the dispatcher. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const DOCS = "https://docs.github.com/rest";

export function errorBody(status: number, message: string, extra: Record<string, unknown> = {}) {
  return { message, ...extra, documentation_url: DOCS, status: String(status) };
}

export const notFound = (message = "Not Found") => new HttpError(404, errorBody(404, message));

/** 422 with GitHub's plain message (git data, checks) or with `errors` ("Validation Failed"). */
export function unprocessable(message: string, errors?: unknown[]): HttpError {
  return new HttpError(422, errorBody(422, message, errors ? { errors } : {}));
}

export function validationFailed(resource: string, field: string, code: string, message?: string): HttpError {
  return unprocessable("Validation Failed", [{ resource, field, code, ...(message ? { message } : {}) }]);
}

/** `Invalid request.\n\n"x", "y" weren't supplied.` when required fields are missing. */
export function requireFields(body: Record<string, unknown> | undefined, fields: string[]): void {
  const missing = fields.filter((f) => body?.[f] === undefined || body[f] === null);
  if (missing.length > 0) {
    const list = missing.map((f) => `"${f}"`).join(", ");
    throw unprocessable(`Invalid request.\n\n${list} ${missing.length === 1 ? "wasn't" : "weren't"} supplied.`);
  }
}

/** The token a request was authenticated with (`authorization: token X` → X). */
export function tokenOf(req: Req): string | undefined {
  return req.headers.authorization?.replace(/^(token|bearer)\s+/i, "");
}

export const ok = (data: unknown): Reply => ({ status: 200, data });
export const created = (data: unknown): Reply => ({ status: 201, data });
export const noContent = (): Reply => ({ status: 204 });

/** Base64 the way the contents and blobs APIs return it: lines of 60 characters, each ending in "\n". */
export function base64Lines(content: Buffer): string {
  const b64 = content.toString("base64");
  return b64 === "" ? "" : `${b64.match(/.{1,60}/g)!.join("\n")}\n`;
}

/** One page of `items` with a GitHub `Link` header (rel next/last/first/prev), `per_page` ≤ 100. */
export function paginate(req: Req, items: unknown[]): Reply {
  const perPage = Math.min(Math.max(Number(req.query.per_page) || 30, 1), 100);
  const page = Math.max(Number(req.query.page) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const url = (p: number) => {
    const q = new URLSearchParams({ ...req.query, per_page: String(perPage), page: String(p) });
    return `<${API}${encodeURI(req.path)}?${q}>`;
  };
  const links: string[] = [];
  if (page < last) links.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (page > 1) links.push(`${url(1)}; rel="first"`, `${url(page - 1)}; rel="prev"`);
  return {
    status: 200,
    data: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

/**
 * A tiny router. Patterns are matched on raw path segments, so an encoded "%2F" stays inside one
 * parameter; `:name` takes one segment, a trailing `*name` takes the rest (possibly empty).
 */
export class Router {
  private readonly routes: Array<{ method: string; parts: string[]; handler: Handler }> = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  match(method: string, rawPath: string): { handler: Handler; params: Record<string, string> } | undefined {
    const segments = rawPath.split("/").filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchParts(route.parts, segments);
      if (params) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.startsWith("*")) {
      params[part.slice(1)] = segments.slice(i).map(decodeURIComponent).join("/");
      return params;
    }
    const seg = segments[i];
    if (seg === undefined) return undefined;
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(seg);
    else if (part !== seg) return undefined;
  }
  return segments.length === parts.length ? params : undefined;
}
