/**
 * The portal's session: a cookie holding the viewer's login and GitHub token, sealed with
 * AES-256-GCM (so it can be neither read nor forged without the server's secret) and carrying its
 * own expiry, so any replica with the same secret accepts it and nothing is stored server-side.
 * HttpOnly (no script reads it; there is no script anyway), SameSite=Lax (sent on the top-level
 * redirect back from github.com, never on another site's form post), Secure over https.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

export interface Session {
  login: string;
  token: string;
  /** ms since the epoch */
  expires: number;
}

export const SESSION_COOKIE = "paved_session";
export const STATE_COOKIE = "paved_oauth_state";
/** GitHub's user access tokens for GitHub Apps live 8 hours by default: the session no longer. */
export const SESSION_MS = 8 * 3_600_000;

export function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "paved-portal", "session cookie v1", 32));
}

export function seal(key: Buffer, session: Session): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(session), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The session, or null when the cookie is absent, forged, tampered with or expired. */
export function unseal(key: Buffer, value: string | undefined, now: number): Session | null {
  if (!value) return null;
  try {
    const raw = Buffer.from(value, "base64url");
    if (raw.length < 29) return null;
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    const s = JSON.parse(text) as Partial<Session>;
    if (typeof s.login !== "string" || typeof s.token !== "string" || typeof s.expires !== "number" || s.expires <= now) return null;
    return { login: s.login, token: s.token, expires: s.expires };
  } catch {
    return null;
  }
}

export function newState(): string {
  return randomBytes(32).toString("base64url");
}

export function sameState(a: string | undefined, b: string | null): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

export function cookie(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return `${name}=${value}; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=${options.maxAgeSeconds}${options.secure ? "; Secure" : ""}`;
}
