import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import examples from "@octokit/webhooks-examples";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import paved from "../../src/index.js";
import { FakeGitHub } from "./fake-github.js";

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

export interface AppUnderTest {
  fake: FakeGitHub;
  probot: Probot;
  /** With `http`: where Probot's Node middleware listens on loopback ("http://127.0.0.1:PORT", no path). */
  url: string;
}

export interface UseAppOptions extends TestProbotOptions {
  /** Mount the app through Probot's Node middleware on loopback (webhooks at /api/github/webhooks), as the service does. */
  http?: boolean;
  /** "file": one fake (and app) for the whole file, checked after its last test (suites that start processes once). */
  scope?: "test" | "file";
}

/**
 * The fake GitHub installed and the real app loaded into a real Probot, fresh for every test of the
 * file. After each test it waits for requests still in flight and asserts the fake saw no call it
 * could not answer: a route the fake lacks, or a request GitHub would not understand, fails the test.
 *
 * `bind` gets them before each test, so that bodies and helpers read plain names:
 *
 *   let fake: FakeGitHub;
 *   let probot: Probot;
 *   useApp((app) => ({ fake, probot } = app));
 *
 * With `{ start: false }` only the fake is set up: the test starts its own app (replicas, one handler
 * alone, the service around the app). Hooks of the file registered after this call run before its
 * checks (vitest runs after-hooks in reverse), so a test's own servers are closed by then.
 */
export function useApp(bind: (app: { fake: FakeGitHub }) => void, options: { start: false; scope?: "test" | "file" }): void;
export function useApp(bind: (app: AppUnderTest) => void, options?: UseAppOptions): void;
export function useApp(bind: (app: AppUnderTest) => void, options: UseAppOptions & { start?: false } = {}): void {
  let fake: FakeGitHub;
  let server: Server | undefined;
  const [before, after] = options.scope === "file" ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    fake = new FakeGitHub().install();
    if (options.start === false) return bind({ fake } as AppUnderTest);
    if (!options.http) return bind({ fake, probot: await startApp(options), url: "" });
    const probot = testProbot(options);
    const middleware = await createNodeMiddleware(paved, { probot, webhooksPath: "/api/github/webhooks" });
    const listening = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
    bind({ fake, probot, url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` });
  });
  after(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    try {
      await fake.idle();
      expect(fake.unhandled).toEqual([]);
    } finally {
      fake.uninstall();
    }
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
