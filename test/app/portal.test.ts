/**
 * The App's portal over HTTP without a browser: the access rule, the session cookie, and what a
 * page costs in GitHub calls (the bound BENCHMARKS.md states).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import paved from "../../src/index.js";
import { seal, sessionKey, unseal } from "../../src/portal/session.js";
import { repositoryPayload, testProbot, useApp } from "../support/app-harness.js";
import { APP_REPO, deliver, EXAMPLE_MANIFEST, GITOPS, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { startOAuthWeb } from "../support/fake-github/routes-users.js";

let fake: FakeGitHub;
let server: Server;
let base: string;
let web: Awaited<ReturnType<typeof startOAuthWeb>>;
let probot: ReturnType<typeof testProbot> | undefined;
const ENV = ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "PAVED_GITHUB_WEB_URL", "PAVED_PUBLIC_URL"];
const saved = new Map<string, string | undefined>();

useApp((app) => ({ fake } = app), { start: false });

async function start(sources: number): Promise<void> {
  fake.startClockAt(Date.now() - 86_400_000);
  seedOrg(fake);
  const repos = [APP_REPO];
  for (let i = 1; i < sources; i += 1) {
    const repo = `acme/team${i}`;
    fake.addRepo(repo, { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("owner: payments", `owner: team${i}`).replaceAll("payments/", `team${i}/`).replaceAll("example.com", `team${i}.example.org`) } });
    fake.grantTeam(repo, `team${i}`); // the owner a manifest names must be able to write to it
    repos.push(repo);
  }
  fake.people.addUser("dana", [APP_REPO]);
  web = await startOAuthWeb(fake.people);
  for (const k of ENV) saved.set(k, process.env[k]);
  Object.assign(process.env, { GITHUB_CLIENT_ID: fake.people.client.clientId, GITHUB_CLIENT_SECRET: fake.people.client.clientSecret, PAVED_GITHUB_WEB_URL: web.url });
  probot = testProbot();
  const middleware = await createNodeMiddleware(paved, { probot, webhooksPath: "/api/github/webhooks" });
  server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.PAVED_PUBLIC_URL = base;
  for (const [i, repo] of repos.entries()) {
    const payload = pushPayload(fake, "1".repeat(40), fake.headSha(repo), { added: ["platform.yaml"] });
    payload.repository = { ...payload.repository, ...repositoryPayload(repo, "main", 10 + i) };
    await deliver(probot, "push", payload);
  }
}

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await web.close();
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** The web flow as a browser would follow it, by hand: returns the session cookie. */
async function signIn(login: string): Promise<string> {
  fake.people.signedIn = login;
  const start = await fetch(`${base}/portal/login`, { redirect: "manual" });
  const state = /paved_oauth_state=([^;]+)/.exec(start.headers.get("set-cookie") ?? "")![1]!;
  const authorized = await fetch(start.headers.get("location")!, { redirect: "manual" });
  const back = await fetch(authorized.headers.get("location")!, { redirect: "manual", headers: { cookie: `paved_oauth_state=${state}` } });
  expect(back.status).toBe(303);
  return /paved_session=([^;]+)/.exec(back.headers.getSetCookie().join("\n"))![1]!;
}

/** What Argo CD's notifications make the App post once each deployment is synced and healthy. */
async function argoReportsHealthy(): Promise<void> {
  const api = "https://api.github.com/repos/acme/payments/deployments";
  // Oldest first, as Argo CD would sync them.
  for (const d of ((await (await fetch(api)).json()) as Array<{ id: number }>).reverse()) {
    await fetch(`${api}/${d.id}/statuses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ state: "success", description: "api: healthy" }) });
  }
}

const page = (path: string, session?: string) => fetch(`${base}${path}`, { redirect: "manual", headers: session ? { cookie: `paved_session=${session}` } : {} });

describe("the App's portal", () => {

  it("is closed without a session, and a forged or tampered cookie is no session", async () => {
    await start(1);
    for (const path of ["/portal", "/portal/services/acme/payments/api", "/portal/api/metrics"]) {
      const res = await page(path);
      expect(res.status, path).toBe(401);
      expect(await res.text()).not.toContain("acme/payments");
    }
    const session = await signIn("dana");
    expect((await page("/portal", session)).status).toBe(200);
    const tampered = session.slice(0, -4) + (session.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await page("/portal", tampered)).status).toBe(401);
    const otherKey = seal(sessionKey("someone else's secret"), { login: "dana", token: "x", expires: Date.now() + 60_000 });
    expect((await page("/portal", otherKey)).status).toBe(401);
  });

  it("a session cookie reveals no token and ends when it expires", () => {
    const key = sessionKey("s3cret");
    const sealed = seal(key, { login: "dana", token: "ghu_secret", expires: 2_000 });
    expect(Buffer.from(sealed, "base64url").toString("latin1")).not.toContain("ghu_secret");
    expect(unseal(key, sealed, 1_000)).toEqual({ login: "dana", token: "ghu_secret", expires: 2_000 });
    expect(unseal(key, sealed, 2_000)).toBeNull();
  });

  it("costs a bounded number of GitHub calls per page (a fixed part plus a few per source repository), none within the cache time", async () => {
    await start(4);
    fake.people.addUser("dana", ["acme/payments", "acme/team1", "acme/team2", "acme/team3"]);
    const session = await signIn("dana");
    const before = fake.calls.length;
    expect((await page("/portal", session)).status).toBe(200);
    const cold = fake.calls.slice(before);
    if (process.env.PAVED_SHOW_CALLS) console.log(cold.map((c) => `${c.method} ${c.path}`).join("\n"));
    // GET /user/installations, its repositories (1 page); config, tree, history; per source: its index blob,
    // its deployments, their statuses (2 each: main's apply writes staging and production) and the change (1).
    const perSource = (p: RegExp) => cold.filter((c) => p.test(c.path)).length;
    expect(perSource(/^\/user\/installations$/)).toBe(1);
    expect(perSource(/^\/user\/installations\/\d+\/repositories$/)).toBe(1);
    expect(perSource(/\/git\/trees\//)).toBe(1);
    expect(perSource(/^\/repos\/acme\/gitops\/commits$/)).toBe(1);
    expect(perSource(/\/git\/blobs\//)).toBe(4);
    expect(perSource(/\/deployments$/)).toBe(4);
    expect(perSource(/\/statuses$/)).toBe(8);
    expect(perSource(/\/contents\/\.paved\//)).toBe(4); // each Paved commit's index: the versions it deployed
    expect(cold.length).toBe(29);
    expect(cold.length).toBeLessThanOrEqual(5 + 4 * 6);
    const warm = fake.calls.length;
    expect((await page("/portal", session)).status).toBe(200);
    expect((await page("/portal/services/acme/payments/api", session)).status).toBe(200);
    expect((await page("/portal/api/metrics?window=7d", session)).status).toBe(200);
    expect(fake.calls.length - warm).toBe(0);
  });

  it("counts a rollback as a failed change, from the versions each GitOps commit deployed", async () => {
    await start(1);
    const session = await signIn("dana");
    const release = async (tag: string) => {
      const before = fake.headSha(APP_REPO);
      const after = fake.commit(APP_REPO, "main", { files: { "platform.yaml": EXAMPLE_MANIFEST.replaceAll("payments-api:1.4.2", `payments-api:${tag}`) } }, `Release ${tag}`);
      const payload = pushPayload(fake, before, after, { modified: ["platform.yaml"] });
      payload.repository = { ...payload.repository, ...repositoryPayload(APP_REPO, "main", 10) };
      await deliver(probot!, "push", payload);
    };
    await release("1.4.3");
    await release("1.4.2");
    await argoReportsHealthy();
    const metrics = (await (await page("/portal/api/metrics?window=30d", session)).json()) as any;
    const api = metrics.services.find((s: { service: string }) => s.service === "api").metrics;
    expect(api.deployments.count).toBe(3);
    expect(api.changeFailure).toEqual({ total: 3, failed: 1, rolledBack: 1, rate: 1 / 3 });
    expect(api.restore.durations.count).toBe(1);
    const html = await (await page("/portal/services/acme/payments/api", session)).text();
    expect(html).toMatch(/<td>update<\/td><td><code>1\.4\.3<\/code><\/td>/);
  });

  it("reads the GitOps history past its first page (up to 500 commits), so a busy repository's deployments still count", async () => {
    await start(1);
    // 150 commits by hand on top of the Paved commit that deployed api: it is on the history's second page.
    for (let i = 0; i < 150; i += 1) fake.commit(GITOPS, "main", { files: { [`notes/${i}.txt`]: `${i}\n` } }, `note ${i}`);
    const session = await signIn("dana");
    const before = fake.calls.length;
    const metrics = (await (await page("/portal/api/metrics?window=30d", session)).json()) as any;
    const pages = fake.calls.slice(before).filter((c) => c.method === "GET" && /\/repos\/acme\/gitops\/commits$/.test(c.path)).length;
    expect(pages).toBe(2);
    expect(metrics.services.find((s: { service: string }) => s.service === "api").metrics.deployments.count).toBe(1);
  });

  it("sends a viewer whose GitHub token no longer works back to sign in", async () => {
    await start(1);
    const session = await signIn("dana");
    fake.people.tokens.clear(); // revoked on GitHub
    const res = await page("/portal", session);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("sign-in expired");
    expect(res.headers.getSetCookie().join("\n")).toMatch(/paved_session=; Path=\/portal; HttpOnly; SameSite=Lax; Max-Age=0/);
  });

  it("is not served at all without the OAuth client", async () => {
    delete process.env.GITHUB_CLIENT_ID;
    delete process.env.GITHUB_CLIENT_SECRET;
    const middleware = await createNodeMiddleware(paved, { probot: testProbot(), webhooksPath: "/api/github/webhooks" });
    const bare = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/portal`);
      expect(res.status).toBe(404);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
    await start(1);
  });
});
