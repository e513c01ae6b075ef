import { describe, expect, it } from "vitest";
import { deliveryMetrics } from "../src/metrics/delivery.js";
import { summarise } from "../src/metrics/stats.js";
import { parseWindow } from "../src/metrics/window.js";
import type { DeploymentFact, StatusFact } from "../src/metrics/deployment-facts.js";

const H = 3_600_000;
const NOW = Date.parse("2026-06-30T00:00:00Z");
const WINDOW = { label: "30d", from: NOW - 30 * 24 * H, to: NOW };

let n = 0;
function deployment(at: number, over: Partial<DeploymentFact> = {}): DeploymentFact {
  n += 1;
  return {
    repository: "acme/payments",
    team: "payments",
    service: "api",
    environment: "production",
    production: true,
    action: "update",
    gitopsCommit: n.toString(16).padStart(40, "0"),
    committedAt: at,
    statuses: [],
    links: {},
    ...over,
  };
}
const status = (state: StatusFact["state"], at: number): StatusFact => ({ state, at });

describe("delivery metrics over plain facts", () => {
  it("says nothing it cannot know when there are no deployments", () => {
    const m = deliveryMetrics([], WINDOW).org;
    expect(m.deployments.count).toBe(0);
    expect(m.deployments.daily).toHaveLength(30);
    expect(m.leadTime.firstCommit).toEqual({ count: 0, median: null, p90: null });
    expect(m.changeFailure.rate).toBeNull();
    expect(m.restore).toEqual({ durations: { count: 0, median: null, p90: null }, open: 0 });
  });

  it("counts what a `paved rollback` undid as failed, not the rollback the next promotion undoes, within one second too", () => {
    const at = NOW - 48 * H;
    // Newest first, as the GitOps history lists them; the last three made in the same second.
    const facts = [
      deployment(at + 1000, { version: "1.5.0", command: "promote" }),
      deployment(at + 1000, { version: "1.4.2", command: "rollback" }),
      deployment(at + 1000, { version: "1.5.0", command: "merge" }),
      deployment(at, { version: "1.4.2", command: "merge" }),
    ];
    const m = deliveryMetrics(facts, WINDOW).org;
    expect(m.changeFailure).toEqual({ total: 4, failed: 1, rolledBack: 1, rate: 0.25 });
    expect(m.restore).toEqual({ durations: { count: 1, median: 0, p90: 0 }, open: 0 });
  });

  it("measures one deployment from its first commit and its merge to the first healthy report", () => {
    const at = NOW - 48 * H;
    const d = deployment(at, { firstCommitAt: at - 5 * H, mergedAt: at - H, statuses: [status("queued", at), status("in_progress", at + H / 2), status("success", at + H)] });
    const m = deliveryMetrics([d], WINDOW).org;
    expect(m.deployments.count).toBe(1);
    expect(m.leadTime.firstCommit).toEqual({ count: 1, median: 6 * H, p90: 6 * H });
    expect(m.leadTime.merge.median).toBe(2 * H);
    expect(m.leadTime).toMatchObject({ toHealthy: 1, toCommit: 0 });
    expect(m.changeFailure).toEqual({ total: 1, failed: 0, rolledBack: 0, rate: 0 });
  });

  it("counts only production, only the window, never removals; without statuses dates by the GitOps commit and says so", () => {
    const facts = [
      deployment(NOW - 2 * H, { firstCommitAt: NOW - 3 * H }),
      deployment(NOW - 2 * H, { environment: "staging", production: false }),
      deployment(NOW - 40 * 24 * H),
      deployment(NOW - H, { action: "delete" }),
    ];
    const m = deliveryMetrics(facts, WINDOW).org;
    expect(m.deployments.count).toBe(1);
    expect(m.leadTime.firstCommit.median).toBe(H);
    expect(m.leadTime).toMatchObject({ toHealthy: 0, toCommit: 1 });
  });

  it("a failed sync is a failed change, restored when the same deployment turns healthy", () => {
    const at = NOW - 10 * H;
    const d = deployment(at, { statuses: [status("queued", at), status("failure", at + H), status("success", at + 3 * H)] });
    const m = deliveryMetrics([d], WINDOW).org;
    expect(m.changeFailure).toMatchObject({ failed: 1, total: 1, rate: 1 });
    expect(m.restore.durations.median).toBe(2 * H);
    expect(m.restore.open).toBe(0);
  });

  it("a degraded deployment is restored by the unit's next deployed change", () => {
    const bad = deployment(NOW - 10 * H, { statuses: [status("failure", NOW - 9 * H)] });
    const fix = deployment(NOW - 6 * H, { statuses: [status("success", NOW - 5 * H)] });
    const m = deliveryMetrics([fix, bad], WINDOW).org;
    expect(m.changeFailure).toMatchObject({ failed: 1, total: 2, rate: 0.5 });
    expect(m.restore.durations.median).toBe(4 * H);
    // The failed one was never deployed: no lead time for it.
    expect(m.leadTime.toHealthy).toBe(1);
  });

  it("a restore that never happened is open and not a duration", () => {
    const bad = deployment(NOW - 10 * H, { statuses: [status("error", NOW - 9 * H)] });
    const m = deliveryMetrics([bad], WINDOW).org;
    expect(m.changeFailure.failed).toBe(1);
    expect(m.restore).toEqual({ durations: { count: 0, median: null, p90: null }, open: 1 });
  });

  it("a rollback (the next deployment brings back the version before) fails the change it undoes", () => {
    const facts = [
      deployment(NOW - 30 * H, { version: "1.4.2" }),
      deployment(NOW - 20 * H, { version: "1.4.3" }),
      deployment(NOW - 18 * H, { version: "1.4.2" }),
      deployment(NOW - 10 * H, { version: "1.4.4" }),
    ];
    const m = deliveryMetrics(facts, WINDOW).org;
    expect(m.changeFailure).toEqual({ total: 4, failed: 1, rolledBack: 1, rate: 0.25 });
    expect(m.restore.durations.median).toBe(2 * H);
  });

  it("groups by team and by service; another service's rollback is not this one's", () => {
    const facts = [
      deployment(NOW - 5 * H, { version: "1" }),
      deployment(NOW - 4 * H, { version: "2", service: "worker" }),
      deployment(NOW - 3 * H, { version: "3", team: "search", repository: "acme/search", service: "api" }),
      deployment(NOW - 2 * H, { version: "1", service: "worker" }),
    ];
    const m = deliveryMetrics(facts, WINDOW);
    expect(m.teams.map((t) => [t.team, t.metrics.deployments.count])).toEqual([["payments", 3], ["search", 1]]);
    expect(m.services.map((s) => `${s.repository}/${s.service}`)).toEqual(["acme/payments/api", "acme/payments/worker", "acme/search/api"]);
    expect(m.org.changeFailure.failed).toBe(0);
  });

  it("median and p90 by the rules the page states", () => {
    expect(summarise([4, 1, 3, 2])).toEqual({ count: 4, median: 2.5, p90: 4 });
    expect(summarise([5])).toEqual({ count: 1, median: 5, p90: 5 });
    expect(summarise(Array.from({ length: 10 }, (_, i) => i + 1))).toMatchObject({ median: 5.5, p90: 9 });
  });

  it("windows as people write them, and a located refusal otherwise", () => {
    expect(parseWindow("7d", NOW)).toEqual({ label: "7d", from: NOW - 7 * 24 * H, to: NOW });
    expect(parseWindow("12w", NOW)).toMatchObject({ label: "12w" });
    expect(parseWindow("30", NOW)).toEqual({ error: expect.stringMatching(/write a number and h, d or w/) });
    expect(parseWindow("9999w", NOW)).toHaveProperty("error");
  });
});
