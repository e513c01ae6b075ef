/**
 * The portal in a real browser: headless Chromium (Debian's package) driven by playwright-core,
 * against the real App on loopback and the fake GitHub (API through nock, github.com's OAuth pages
 * on a loopback server). Screenshots of the main pages go to test-artifacts/portal/.
 */
import { existsSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type Service } from "../../src/app/service.js";
import { repositoryPayload, testProbot, TEST_PRIVATE_KEY, useApp } from "../support/app-harness.js";
import { APP_REPO, deliver, EXAMPLE_MANIFEST, openPull, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { startOAuthWeb } from "../support/fake-github/routes-users.js";

const CHROMIUM = process.env.PAVED_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/browser/portal.test.ts: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set PAVED_CHROMIUM)`);
const ARTIFACTS = new URL("../../test-artifacts/portal/", import.meta.url).pathname;
const SEARCH_REPO = "acme/search";

let fake: FakeGitHub;
let service: Service;
let base: string;
let web: Awaited<ReturnType<typeof startOAuthWeb>>;
let browser: import("playwright-core").Browser;
const saved: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string>): void {
  for (const [k, v] of Object.entries(values)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
}

useApp((app) => ({ fake } = app), { start: false, scope: "file" });
beforeAll(async () => {
  if (!hasChromium) return;
  // The metrics window ends now: the story happened yesterday.
  fake.startClockAt(Date.now() - 86_400_000);
  seedOrg(fake);
  fake.addRepo(SEARCH_REPO, { files: { "platform.yaml": EXAMPLE_MANIFEST.replace("owner: payments", "owner: search").replaceAll("payments/", "search/").replaceAll("example.com", "search.example.org"), "README.md": "search\n" } });
  fake.grantTeam(SEARCH_REPO, "search"); // the owner a manifest names must be able to write to it
  fake.people.addUser("dana", [APP_REPO]);
  fake.people.addUser("sam", [APP_REPO, SEARCH_REPO]);
  web = await startOAuthWeb(fake.people);

  const probot = testProbot();
  // Both sources deploy from main; then payments merges pull request #1 (a new image tag).
  const apply = async (repo: string, id: number, before: string, after: string) => {
    const payload = pushPayload(fake, before, after, { added: ["platform.yaml"] });
    payload.repository = { ...payload.repository, ...repositoryPayload(repo, "main", id) };
    await deliver(probot, "push", payload);
  };
  setEnv({ GITHUB_CLIENT_ID: fake.people.client.clientId, GITHUB_CLIENT_SECRET: fake.people.client.clientSecret, PAVED_GITHUB_WEB_URL: web.url, PAVED_PORTAL_CACHE_MS: "60000" });
  // The App as `npm start` runs it (src/app/service.ts), on loopback.
  service = await startService({ credentials: { appId: 1, privateKey: TEST_PRIVATE_KEY, secret: "test-secret" }, env: { PORT: "0", HOST: "127.0.0.1" }, probot });
  base = service.url;
  process.env.PAVED_PUBLIC_URL = base;

  await apply(APP_REPO, 1, "1".repeat(40), fake.headSha(APP_REPO));
  await apply(SEARCH_REPO, 3, "1".repeat(40), fake.headSha(SEARCH_REPO));
  const before = fake.headSha(APP_REPO);
  const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replaceAll("payments-api:1.4.2", "payments-api:1.4.3") });
  await apply(APP_REPO, 1, before, fake.mergePull(APP_REPO, pr.number));

  const { chromium } = await import("playwright-core");
  // launch() gives every run a fresh, temporary user-data-dir of its own (and deletes it on close).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  if (!hasChromium) return;
  await browser?.close();
  await service?.drain();
  await web.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  delete process.env.PAVED_PUBLIC_URL;
});

/** A fresh browser profile's context, with every CSP complaint and page error collected. */
async function context() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems: string[] = [];
  // Any CSP refusal is a console error; an expected 401 or 404 answer is not a problem of the page.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return { ctx, page, problems };
}

async function signIn(page: import("playwright-core").Page, login: string): Promise<void> {
  fake.people.signedIn = login;
  await page.goto(`${base}/portal`);
  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await page.waitForURL(`${base}/portal`);
}

/** Every internal link on the page answers 200 (with the page's own cookies). */
async function internalLinksResolve(page: import("playwright-core").Page): Promise<string[]> {
  const hrefs = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href") ?? ""));
  const internal = [...new Set(hrefs.filter((h) => h.startsWith("/")))];
  for (const href of internal) {
    const res = await page.request.get(`${base}${href}`);
    expect(res.status(), href).toBe(200);
  }
  const styles = await page.$$eval("link[rel=stylesheet]", (ls) => ls.map((l) => l.getAttribute("href") ?? ""));
  for (const href of styles) expect((await page.request.get(`${base}${href}`)).status(), href).toBe(200);
  return internal;
}

describe.skipIf(!hasChromium)("the portal in Chromium", () => {
  it("asks to sign in first, and signs in through GitHub's web flow", async () => {
    const { ctx, page, problems } = await context();
    const first = await page.goto(`${base}/portal`);
    expect(first!.status()).toBe(401);
    expect(await page.textContent("main")).toContain("Nothing is shown without signing in");
    expect(await page.content()).not.toContain("acme/payments");
    await page.screenshot({ path: `${ARTIFACTS}sign-in.png`, fullPage: true });

    // The redirect to GitHub carries the app's client id, the callback and a state.
    const login = await page.request.get(`${base}/portal/login`, { maxRedirects: 0 });
    expect(login.status()).toBe(302);
    const authorize = new URL(login.headers().location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${web.url}/login/oauth/authorize`);
    expect(authorize.searchParams.get("client_id")).toBe(fake.people.client.clientId);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${base}/portal/callback`);
    expect(authorize.searchParams.get("state")).toMatch(/^[\w-]{43}$/);
    expect(login.headers()["set-cookie"]).toMatch(/paved_oauth_state=[\w-]+; Path=\/portal; HttpOnly; SameSite=Lax/);

    await signIn(page, "dana");
    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.name === "paved_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/portal" });
    expect(session!.value).not.toContain("ghu_");
    expect(await page.textContent("header")).toContain("Signed in as dana");
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it("refuses a callback whose state did not start here", async () => {
    const { ctx, page } = await context();
    const res = await page.goto(`${base}/portal/callback?code=anything&state=forged`);
    expect(res!.status()).toBe(400);
    expect(await page.textContent("main")).toContain("state does not match");
    expect((await ctx.cookies()).find((c) => c.name === "paved_session")).toBeUndefined();
    await ctx.close();
  });

  it("shows a reader their services, environments, deployments and metrics, and only those; every link resolves", async () => {
    const { ctx, page, problems } = await context();
    await signIn(page, "dana");
    const main = (await page.textContent("main"))!;
    expect(main).toContain("Team payments");
    expect(main).not.toContain("Team search");
    expect(await page.content()).not.toContain("acme/search");
    const headers = await page.$$eval("table.services thead th", (ths) => ths.map((t) => t.textContent));
    expect(headers).toEqual(["service", "staging", "production production"]);
    const api = page.locator("table.services tr", { has: page.locator('a[href="/portal/services/acme/payments/api"]') });
    await expect.poll(() => api.count()).toBe(1);
    const cells = await api.locator("td").allTextContents();
    expect(cells[0]).toContain("1.4.3");
    expect(cells[1]).toMatch(/#1 by dev/);
    expect(await api.locator('a[href^="https://argocd.acme.io/applications/argocd/payments.api."]').count()).toBe(2);
    expect(await page.locator(".tiles figure").count()).toBe(4);
    expect(await page.locator(".tiles svg.chart").count()).toBeGreaterThanOrEqual(3);
    expect(main).toContain("How these figures are computed");
    const internal = await internalLinksResolve(page);
    expect(internal).toContain("/portal/services/acme/payments/api");
    await page.screenshot({ path: `${ARTIFACTS}overview-dana.png`, fullPage: true });

    await page.click('a[href="/portal/services/acme/payments/api"]');
    expect(await page.textContent("main")).toContain("Deployment history");
    const history = await page.locator("table.history tbody tr").count();
    expect(history).toBe(4); // main's apply and #1, in staging and production
    await internalLinksResolve(page);
    await page.screenshot({ path: `${ARTIFACTS}service-api.png`, fullPage: true });

    // Another team's service is not there for dana, by its page or by the JSON.
    expect((await page.goto(`${base}/portal/services/acme/search/api`))!.status()).toBe(404);
    const metrics = await (await page.request.get(`${base}/portal/api/metrics?window=30d`)).json();
    expect(metrics.teams.map((t: { team: string }) => t.team)).toEqual(["payments"]);
    expect(metrics.org.deployments.count).toBe(2);

    await page.goto(`${base}/portal`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/portal`);
    expect(await page.textContent("main")).toContain("Sign in with GitHub");
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it("shows someone who can read both repositories both teams", async () => {
    const { ctx, page } = await context();
    await signIn(page, "sam");
    const main = (await page.textContent("main"))!;
    expect(main).toContain("Team payments");
    expect(main).toContain("Team search");
    await internalLinksResolve(page);
    await page.screenshot({ path: `${ARTIFACTS}overview-sam.png`, fullPage: true });
    await ctx.close();
  });
});
