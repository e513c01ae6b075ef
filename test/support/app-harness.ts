import { generateKeyPairSync } from "node:crypto";
import examples from "@octokit/webhooks-examples";
import { Probot, ProbotOctokit } from "probot";
import paved from "../../src/index.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
export const TEST_PRIVATE_KEY = privateKey;

export interface TestProbotOptions {
  retries?: number;
  /** Abort each GitHub request (each attempt) after this many ms, as a client timeout would. */
  requestTimeoutMs?: number;
}

/** A real Probot running the real app; retries fast and without throttling's 1 s write spacing. */
export async function startApp(options: TestProbotOptions = {}): Promise<Probot> {
  const probot = testProbot(options);
  await probot.load(paved);
  return probot;
}

/** The Probot instance alone, for mounting the app some other way (the HTTP middleware). */
export function testProbot(options: TestProbotOptions = {}): Probot {
  const timeout = options.requestTimeoutMs;
  // Looked up per call: nock replaces globalThis.fetch when it intercepts.
  const timedFetch = (url: string, init: RequestInit = {}) => globalThis.fetch(url, { ...init, signal: AbortSignal.timeout(timeout!) });
  return new Probot({
    appId: 1,
    privateKey,
    secret: "test-secret",
    logLevel: "fatal",
    // A function, not an object: Probot passes its own throttle options per instance, which would
    // replace ours (and its write queue spaces writes 1 s apart).
    Octokit: ProbotOctokit.defaults((instance: Record<string, any>) => ({
      ...instance,
      retry: { enabled: (options.retries ?? 0) > 0, retries: options.retries ?? 0, retryAfterBaseValue: 1 },
      throttle: { ...instance.throttle, enabled: false },
      ...(timeout ? { request: { ...instance.request, fetch: timedFetch } } : {}),
    })),
  });
}

let deliveries = 0;
export function nextDeliveryId(): string {
  deliveries += 1;
  return `delivery-${deliveries}`;
}

/** A payload from @octokit/webhooks-examples (a real GitHub delivery), deep-copied for adapting. */
export function example<T = any>(event: string, action?: string): T {
  const definition = (examples as Array<{ name: string; examples: Array<Record<string, unknown>> }>).find(
    (d) => d.name === event,
  );
  const found = definition?.examples.find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`no example for ${event}.${action}`);
  return structuredClone(found) as T;
}

export function repositoryPayload(fullName: string, defaultBranch = "main", id = 1) {
  const [owner, name] = fullName.split("/");
  return {
    id,
    name,
    full_name: fullName,
    default_branch: defaultBranch,
    private: true,
    html_url: `https://github.com/${fullName}`,
    owner: { login: owner, id: 100, type: "Organization" },
  };
}
