import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type Io } from "../src/cli/main.js";
import { portalServers } from "../src/cli/portal.js";
import { EXAMPLES_DIR } from "../src/demo/story.js";

/** `paved portal` and `paved metrics` over the demo's own repositories, as the demo tells a new user to. */
let root: string;
const config = join(EXAMPLES_DIR, "paved.yml");

function io(): Io & { out: () => string; err: () => string } {
  let stdout = "";
  let stderr = "";
  return { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: root, isTTY: false, out: () => stdout, err: () => stderr };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "paved-portal-cli-"));
  const demo = io();
  expect(await run(["demo", "--keep", join(root, "demo")], demo)).toBe(0);
  expect(demo.out()).toContain(`paved portal --gitops ${join(root, "demo", "gitops")} --source ${join(root, "demo", "payments")} --config ${config}`);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const args = () => ["--gitops", join(root, "demo", "gitops"), "--source", join(root, "demo", "payments"), "--config", config];

describe("paved metrics", () => {
  it("counts the demo's production deployments and dates them from their first commit", async () => {
    const cli = io();
    expect(await run(["metrics", ...args(), "--format", "json"], cli)).toBe(0);
    const json = JSON.parse(cli.out());
    // The demo deploys api to production four times: main's first apply, #2's fix, the rollback and the
    // promotion after it (the worker is staging only); the rollback makes #2's fix a failed change.
    expect(json.org.deployments.count).toBe(4);
    expect(json.org.leadTime.firstCommit.count).toBe(4);
    expect(json.org.leadTime.toCommit).toBe(4);
    expect(json.org.changeFailure).toEqual({ total: 4, failed: 1, rolledBack: 1, rate: 0.25 });
    expect(json.services.map((s: { service: string }) => s.service)).toEqual(["api"]);
    const text = io();
    expect(await run(["metrics", ...args()], text)).toBe(0);
    expect(text.out()).toMatch(/^team payments$/m);
    expect(text.out()).toMatch(/measured to the GitOps commit/);
  });

  it("refuses a missing clone and a bad window with the fix", async () => {
    const cli = io();
    expect(await run(["metrics", "--gitops", join(root, "nope")], cli)).toBe(2);
    expect(cli.err()).toMatch(/is not a git clone/);
    const bad = io();
    expect(await run(["metrics", ...args(), "--window", "month"], bad)).toBe(2);
    expect(bad.err()).toMatch(/write a number and h, d or w/);
  });
});

describe("paved portal", () => {
  it("serves the demo's services, environments and history on loopback", async () => {
    const cli = io();
    const running = run(["portal", ...args(), "--port", "0"], cli);
    let base = "";
    for (let i = 0; i < 100 && !base; i += 1) {
      base = /on (http:\/\/127\.0\.0\.1:\d+)\/portal/.exec(cli.out())?.[1] ?? "";
      if (!base) await new Promise((r) => setTimeout(r, 20));
    }
    expect(base).not.toBe("");
    try {
      const html = await (await fetch(`${base}/portal`)).text();
      expect(html).toContain("Team <code>payments</code>");
      expect(html).toMatch(/<th scope="col">staging<\/th><th scope="col">production <span class="tag">production<\/span><\/th>/);
      expect(html).toContain('href="/portal/services/acme/payments/api"');
      const service = await (await fetch(`${base}/portal/services/acme/payments/api`)).text();
      expect(service).toContain("Deployment history");
      expect(service).toMatch(/#2 by Dana Developer/);
      expect((await fetch(`${base}/`, { redirect: "manual" })).headers.get("location")).toBe("/portal");
    } finally {
      for (const stop of [...portalServers]) stop();
    }
    expect(await running).toBe(0);
  });
});
