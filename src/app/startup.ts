import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";

export interface Credentials {
  appId: number;
  privateKey: string;
  secret: string;
}

export type StartupCheck =
  | { ok: true; credentials: Credentials }
  /** Development without an app yet: Probot's manifest flow registers one. */
  | { ok: "setup" }
  /** One line saying what is wrong and how to fix it; never a secret's value. */
  | { ok: false; problem: string };

/**
 * Fails closed: in production (`NODE_ENV=production`) the app refuses to start without
 * `WEBHOOK_SECRET` (Probot would otherwise accept deliveries signed with "development") or with a
 * private key it cannot read or parse. In development a missing app id or key starts the setup flow.
 */
export function checkStartup(env: NodeJS.ProcessEnv = process.env): StartupCheck {
  const production = env.NODE_ENV === "production";
  const appId = Number(env.APP_ID);
  const hasKey = Boolean(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
  if (!production && (!env.APP_ID || !hasKey)) return { ok: "setup" };
  if (production && !env.WEBHOOK_SECRET) return { ok: false, problem: "refusing to start: WEBHOOK_SECRET is not set (NODE_ENV=production); set it to the GitHub App's webhook secret" };
  if (!Number.isInteger(appId) || appId <= 0) return { ok: false, problem: "refusing to start: APP_ID is not set to the GitHub App's numeric id" };
  const key = readPrivateKey(env);
  if (!key.ok) return { ok: false, problem: `refusing to start: ${key.problem}` };
  return { ok: true, credentials: { appId, privateKey: key.pem, secret: env.WEBHOOK_SECRET || "development" } };
}

function readPrivateKey(env: NodeJS.ProcessEnv): { ok: true; pem: string } | { ok: false; problem: string } {
  let text: string;
  if (env.PRIVATE_KEY) {
    text = env.PRIVATE_KEY;
    // Probot's convention: a key that is not PEM may be base64 of the PEM (one line in an env var).
    if (!text.includes("-----BEGIN")) text = Buffer.from(text, "base64").toString("utf8");
    text = text.replace(/\\n/g, "\n");
  } else if (env.PRIVATE_KEY_PATH) {
    try {
      text = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    } catch (error) {
      return { ok: false, problem: `PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}); mount the GitHub App's .pem file there` };
    }
  } else {
    return { ok: false, problem: "neither PRIVATE_KEY nor PRIVATE_KEY_PATH is set; give the GitHub App's private key (PEM)" };
  }
  try {
    createPrivateKey(text);
  } catch {
    return { ok: false, problem: `the private key in ${env.PRIVATE_KEY ? "PRIVATE_KEY" : `PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH}`} is not a valid PEM private key; paste the GitHub App's .pem file as it was downloaded` };
  }
  return { ok: true, pem: text };
}
