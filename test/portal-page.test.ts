import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import type { ResolvedConfig } from "../src/config/types.js";
import { assembleFacts, changeKey } from "../src/portal/assemble.js";
import { visibleTo, type PortalFacts } from "../src/portal/facts.js";
import { parsePavedCommit } from "../src/portal/gitops-commit.js";
import { CONTENT_SECURITY_POLICY, portalHandler } from "../src/portal/http.js";
import { overview, servicePage } from "../src/portal/view.js";

const SHA = "a".repeat(40);
const config: ResolvedConfig = {
  ...DEFAULT_CONFIG,
  gitops: { ...DEFAULT_CONFIG.gitops, repository: "acme/gitops", directory: "" },
  argocd: { url: "https://argocd.acme.io", namespace: "argocd" },
  links: { logs: "https://grafana.acme.io/explore?service={service}&env={env}", bad: "javascript:alert(1)//{service}" },
  environments: [
    { ...DEFAULT_CONFIG.environments[0]!, name: "staging", production: false },
    { ...DEFAULT_CONFIG.environments[0]!, name: "production", production: true },
  ],
};

function message(repository: string, pr: number, units: string[]): string {
  return `paved: ${repository}@aaaaaaa (#${pr})\n\n${units.join("\n")}\n\nPaved-Plan: 0123456789ab\nPaved-Source: ${repository}@${SHA}\n`;
}

function facts(): PortalFacts {
  const state = (image: string) => ({ image, replicas: 2, cpu: "100m", memory: "128Mi", env: {}, secrets: {}, dependencies: {}, host: "api.payments.example.com", path: "/" });
  return assembleFacts({
    config,
    indexes: [
      {
        source: "acme/payments",
        units: [
          { environment: "staging", namespace: "payments-staging", service: "api", files: [], state: state("ghcr.io/acme/api:1.4.3") },
          { environment: "production", namespace: "payments", service: "api", files: [], state: state("ghcr.io/acme/api@sha256:4c1e7bd0aa") },
        ],
        catalog: ["catalog/payments/api.yaml"],
      },
      { source: "acme/search", units: [{ environment: "staging", namespace: "s", service: "<script>x</script>", files: [] }], catalog: ["catalog/search/x.yaml"] },
    ],
    commits: [
      { sha: "c".repeat(40), message: message("acme/payments", 7, ["staging/api: update (image tag 1.4.2 → 1.4.3)", "production/api: update (image)"]), committedAt: Date.parse("2026-06-01T10:00:00Z") },
      { sha: "d".repeat(40), message: "Hand edit\n", committedAt: Date.parse("2026-06-02T10:00:00Z") },
    ],
    deployments: [
      {
        repository: "acme/payments",
        environment: "production",
        gitopsCommit: "c".repeat(40),
        statuses: [{ state: "queued", at: Date.parse("2026-06-01T10:00:00Z") }, { state: "success", at: Date.parse("2026-06-01T10:05:00Z"), description: "api: healthy at 1.4.3" }],
        logUrl: "https://argocd.acme.io/applications/argocd/payments-api-production",
      },
    ],
    changes: new Map([[changeKey("acme/payments", SHA), { author: "dana", firstCommitAt: Date.parse("2026-05-31T10:00:00Z"), mergedAt: Date.parse("2026-06-01T09:58:00Z") }]]),
    previews: [
      { repository: "acme/payments", repositoryId: "42", number: 9, owner: "payments", namespace: "payments-pr-9", headSha: SHA, pushedAt: "2026-06-03T10:00:00Z", keep: false, services: ["api"], url: "https://pr-9-api.payments.example.com/" },
      // A hand-edited record: its values reach the page only escaped, its URL only when http(s).
      { repository: "acme/search", repositoryId: "43", number: 4, owner: "search", namespace: "<b>ns</b>", headSha: SHA, pushedAt: "2026-06-02T10:00:00Z", keep: false, services: ["<script>x</script>"], url: "javascript:alert(1)" },
    ],
    web: "https://github.com",
    feedback: true,
    origin: "acme/gitops@main",
  });
}

let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

async function serve(f: PortalFacts, now = Date.parse("2026-06-10T00:00:00Z")): Promise<string> {
  const handle = portalHandler({ viewerFacts: async () => ({ facts: f }) }, () => now);
  server = createServer((req, res) => void handle(req, res).then((done) => done || res.writeHead(404).end()));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the portal's facts, view and page", () => {
  it("reads Paved's own commits and nobody else's", () => {
    expect(parsePavedCommit("Hand edit\n")).toBeNull();
    expect(parsePavedCommit(message("acme/payments", 3, ["staging/api: delete", "production/worker: create (new)"]))).toEqual({
      repository: "acme/payments",
      sourceSha: SHA,
      pullRequest: 3,
      units: [
        { environment: "staging", service: "api", action: "delete" },
        { environment: "production", service: "worker", action: "create" },
      ],
    });
  });

  it("groups by team, shows per environment the version, state, last change and links", () => {
    const view = overview(facts());
    expect(view.teams.map((t) => t.team)).toEqual(["payments", "search"]);
    const api = view.teams[0]!.services[0]!;
    expect(api.href).toBe("/portal/services/acme/payments/api");
    const [staging, production] = api.cells;
    expect(staging).toMatchObject({ version: "1.4.3", state: "committed", url: "https://api.payments.example.com/" });
    expect(production).toMatchObject({ version: "sha256:4c1e7bd", state: "success", detail: "api: healthy at 1.4.3" });
    expect(production!.lastChange).toMatchObject({ pullRequest: 7, author: "dana", links: { pullRequest: "https://github.com/acme/payments/pull/7", gitopsCommit: `https://github.com/acme/gitops/commit/${"c".repeat(40)}` } });
    expect(production!.links.map((l) => l.label)).toEqual(["Argo CD", "logs", "bad"]);
    expect(production!.links[0]!.href).toBe("https://argocd.acme.io/applications/argocd/payments.api.production");
    expect(servicePage(facts(), "acme/payments", "api")!.history.map((d) => d.environment)).toEqual(["production", "staging"]);
  });

  it("lists open previews, newest push first, with the pull request, namespace and URL, and on their services' pages only", () => {
    expect(overview(facts()).previews.map((p) => [p.repository, p.pullRequest])).toEqual([["acme/payments", 9], ["acme/search", 4]]);
    const page = servicePage(facts(), "acme/payments", "api")!;
    expect(page.previews).toEqual([expect.objectContaining({ pullRequest: 9, namespace: "payments-pr-9", services: ["api"], pullRequestUrl: "https://github.com/acme/payments/pull/9", url: "https://pr-9-api.payments.example.com/" })]);
    expect(visibleTo(facts(), new Set(["acme/search"])).previews.map((p) => p.repository)).toEqual(["acme/search"]);
  });

  it("a viewer sees only repositories they can read, and an unreadable service is a plain 404", async () => {
    const mine = visibleTo(facts(), new Set(["acme/payments"]));
    expect(overview(mine).teams.map((t) => t.team)).toEqual(["payments"]);
    expect(servicePage(mine, "acme/search", "<script>x</script>")).toBeNull();
    const base = await serve(mine);
    const page = await fetch(`${base}/portal/services/acme/search/x`);
    expect(page.status).toBe(404);
  });

  it("escapes every value, makes foreign schemes inert, and sends a strict CSP with no script", async () => {
    const base = await serve(facts());
    const res = await fetch(`${base}/portal`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe/);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&#60;script&#62;x&#60;/script&#62;");
    expect(html).toContain("<h2>Open previews</h2>");
    expect(html).toContain('<a href="https://github.com/acme/payments/pull/9">acme/payments#9</a>');
    expect(html).toContain("&#60;b&#62;ns&#60;/b&#62;");
    expect(html).not.toContain("javascript:");
    expect(html).not.toMatch(/ style=/);
    expect(html).toContain("How these figures are computed");
    expect(html).toMatch(/<svg class="chart"/);
  });

  it("answers the metrics as JSON for a chosen window, and refuses a window it cannot read", async () => {
    const base = await serve(facts());
    const json = (await (await fetch(`${base}/portal/api/metrics?window=30d`)).json()) as any;
    expect(json.window.label).toBe("30d");
    expect(json.org.deployments.count).toBe(1);
    expect(json.org.leadTime.firstCommit.median).toBe(24 * 3_600_000 + 5 * 60_000);
    expect(json.org.leadTime.merge.median).toBe(7 * 60_000);
    expect(json.teams[0].team).toBe("payments");
    expect((await fetch(`${base}/portal/api/metrics?window=5y`)).status).toBe(400);
    expect((await fetch(`${base}/portal/api/metrics?window=7d`).then((r) => r.json()) as any).org.deployments.count).toBe(0);
  });
});
