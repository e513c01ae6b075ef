import fc from "fast-check";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { parseArgoEvent, type ArgoEvent } from "../src/feedback/argocd-event.js";
import { advance, aggregate, isOverdue, type DeployedApplication, type DeploymentFacts } from "../src/feedback/deployment-state.js";
import { deploymentsBlock, withDeploymentsBlock, type EnvironmentStatus } from "../src/report/environment-line.js";
import { observe, UNIT_PHASES, type Observation } from "../src/feedback/observation.js";
import { describeUnit, MAX_DESCRIPTION, unitFactsFrom } from "../src/feedback/status-text.js";
import { parseGitopsCommit } from "../src/feedback/trailers.js";
import { NOTIFY_SELECTOR, PAVED_TRIGGERS, notificationsConfigMap } from "../src/render/argocd-notifications.js";
import { yamlString } from "../src/render/encode.js";
import { defaultTemplates } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import { commitMessage } from "../src/report/commit-message.js";
import type { Plan } from "../src/plan/types.js";
import { exampleUnits, manifestsConfig, SOURCE } from "./render-fixtures.js";

const SHA = "a".repeat(40);

function event(status: Record<string, unknown>, labels: Record<string, string> = {}): ArgoEvent {
  const parsed = parseArgoEvent({ trigger: "t", app: { metadata: { name: "payments.api.staging", namespace: "argocd", labels }, spec: { source: { repoURL: "https://github.com/acme/gitops.git" } }, status } });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

describe("what an Argo CD event says", () => {
  it("reads the state, not the trigger's name", () => {
    const op = (phase: string, extra: Record<string, unknown> = {}) => ({ phase, message: "m", operation: { sync: { revision: SHA } }, ...extra });
    const phase = (status: Record<string, unknown>) => {
      const o = observe(event(status));
      return o.ok ? o.observation.phase : o.reason;
    };
    expect(phase({ sync: { status: "OutOfSync", revision: SHA }, health: { status: "Healthy" }, operationState: op("Running") })).toBe("syncing");
    expect(phase({ sync: { status: "Synced", revision: SHA }, health: { status: "Healthy" }, operationState: op("Succeeded", { syncResult: { revision: SHA } }) })).toBe("healthy");
    expect(phase({ sync: { status: "Synced", revision: SHA }, health: { status: "Progressing" }, operationState: op("Succeeded") })).toBe("syncing");
    expect(phase({ sync: { status: "Synced", revision: SHA }, health: { status: "Degraded" }, operationState: op("Succeeded") })).toBe("failed");
    expect(phase({ sync: { status: "OutOfSync", revision: SHA }, health: { status: "Healthy" }, operationState: op("Error") })).toBe("failed");
    // argo-cd#29575: an early failure with no revision anywhere maps to nothing rather than to a guess.
    expect(phase({ sync: { status: "Unknown", revision: "" }, health: { status: "Unknown" }, operationState: { phase: "Failed", message: "x" } })).toContain("revision");
    expect(phase({ sync: { status: "OutOfSync", revision: SHA }, health: { status: "Missing" } })).toContain("no sync operation");
  });

  it("takes the synced revision over the compared one, and keeps Argo CD's words, single-line and bounded", () => {
    const other = "b".repeat(40);
    const o = observe(
      event({
        sync: { status: "OutOfSync", revision: other },
        health: { status: "Healthy" },
        operationState: { phase: "Failed", message: `one or more objects failed to apply\n\u001b[31m${"x".repeat(5000)}`, syncResult: { revision: SHA, resources: [{ kind: "Deployment", name: "api", status: "SyncFailed", message: "invalid" }] } },
      }),
    );
    expect(o.ok && o.observation.revision).toBe(SHA);
    expect(o.ok && o.observation.detail).toMatch(/^one or more objects failed to apply \[31mx+; Deployment\/api: invalid$/);
    expect(o.ok && o.observation.detail.length).toBeLessThan(1100);
  });

  it("refuses what is not an Application", () => {
    expect(parseArgoEvent([]).ok).toBe(false);
    expect(parseArgoEvent({ app: "x" }).ok).toBe(false);
    expect(parseArgoEvent({ app: { metadata: {} } }).ok).toBe(false);
    expect(parseArgoEvent({ app: { metadata: { name: "n", labels: { a: 1 } }, status: null } })).toMatchObject({ ok: true, event: { application: { labels: {} }, operation: null } });
  });
});

const APPS: DeployedApplication[] = [
  { application: "payments.api.staging", service: "api", version: "1.4.3" },
  { application: "payments.worker.staging", service: "worker" },
];
const facts = (state: DeploymentFacts["state"] = "queued", units: DeploymentFacts["units"] = new Map()): DeploymentFacts => ({ environment: "staging", applications: APPS, state, units });
const seen = (application: string, phase: Observation["phase"], detail = ""): Observation => ({ application, revision: SHA, phase, detail });

describe("a deployment's state", () => {
  it("needs every Application healthy, and fails on any failure", () => {
    const first = advance(facts(), seen("payments.api.staging", "healthy"))!;
    expect(first.state).toBe("in_progress");
    const units = new Map([[first.fact.application, first.fact]]);
    expect(advance(facts("in_progress", units), seen("payments.worker.staging", "healthy"))!.state).toBe("success");
    expect(advance(facts("in_progress", units), seen("payments.worker.staging", "failed", "boom"))!.state).toBe("failure");
    expect(aggregate([], new Map())).toBe("queued");
  });

  it("never moves backwards, whatever order events arrive in", () => {
    const phases = fc.constantFrom(...UNIT_PHASES.filter((p) => p !== "waiting")) as fc.Arbitrary<Observation["phase"]>;
    const app = fc.constantFrom(...APPS.map((a) => a.application));
    fc.assert(
      fc.property(fc.array(fc.tuple(app, phases), { maxLength: 12 }), (events) => {
        let current = facts();
        const rank = { queued: 0, in_progress: 1, failure: 2, success: 3 } as Record<string, number>;
        for (const [application, phase] of events) {
          const next = advance(current, seen(application, phase));
          if (!next) continue;
          const units = new Map(current.units).set(application, next.fact);
          // A unit's phase only rises; success is final.
          expect(UNIT_PHASES.indexOf(next.fact.phase)).toBeGreaterThan(UNIT_PHASES.indexOf(current.units.get(application)?.phase ?? "waiting"));
          expect(current.state).not.toBe("success");
          if (next.state !== "failure" && current.state !== "failure") expect(rank[next.state]!).toBeGreaterThanOrEqual(rank[current.state]!);
          current = { ...current, state: next.state, units };
        }
        // The same events again change nothing.
        for (const [application, phase] of events) {
          const again = advance(current, seen(application, phase));
          if (again) expect(UNIT_PHASES.indexOf(phase)).toBeGreaterThan(UNIT_PHASES.indexOf(current.units.get(application)?.phase ?? "waiting"));
        }
      }),
    );
  });

  it("ignores Applications the deployment does not wait for, and a deployment already done", () => {
    expect(advance(facts(), seen("search.api.staging", "healthy"))).toBeNull();
    expect(advance(facts("success"), seen("payments.api.staging", "failed"))).toBeNull();
    expect(advance(facts("inactive"), seen("payments.api.staging", "healthy"))).toBeNull();
  });

  it("reads each unit's phase back from the descriptions it wrote, within GitHub's 140 characters", () => {
    const api = APPS[0]!;
    const descriptions = [
      describeUnit(api, { application: api.application, phase: "syncing", detail: "waiting for healthy state" }),
      describeUnit(api, { application: api.application, phase: "failed", detail: "x".repeat(500) }, { healthy: 0, total: 2 }),
      "No feedback from Argo CD within 30 minutes",
      "Waiting for Argo CD to sync GitOps commit abc1234",
    ];
    for (const d of descriptions) expect(d.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    const read = unitFactsFrom(descriptions.map((description) => ({ description })), APPS);
    expect([...read.values()]).toEqual([{ application: api.application, phase: "failed", detail: expect.stringMatching(/^x+…$/) }]);
    expect(describeUnit(api, { application: api.application, phase: "healthy", detail: "" }, { healthy: 1, total: 2 })).toBe("api: healthy at 1.4.3 (1 of 2 healthy)");
  });

  it("times out only what is still waiting", () => {
    const createdAt = "2024-01-01T00:00:00Z";
    const t = Date.parse(createdAt);
    expect(isOverdue({ state: "queued", createdAt }, t + 31 * 60_000, 30 * 60_000)).toBe(true);
    expect(isOverdue({ state: "in_progress", createdAt }, t + 31 * 60_000, 30 * 60_000)).toBe(true);
    expect(isOverdue({ state: "queued", createdAt }, t + 29 * 60_000, 30 * 60_000)).toBe(false);
    for (const state of ["success", "failure", "error", "inactive"] as const) expect(isOverdue({ state, createdAt }, t + 1e9, 1)).toBe(false);
  });
});

describe("the GitOps commit's trailers", () => {
  const plan: Plan = {
    id: "p1",
    valid: true,
    diagnostics: [],
    changes: [],
    risks: [],
    environments: ["staging", "production"],
    units: [
      { environment: "staging", service: "api", namespace: "payments-staging", action: "update", summary: [], files: 1 },
      { environment: "staging", service: "worker", namespace: "payments-staging", action: "unchanged", summary: [], files: 0 },
      { environment: "production", service: "old", namespace: "payments", action: "delete", summary: [], files: 3 },
    ],
  };

  it("map the commit back to its source and the Applications it changed", () => {
    const message = commitMessage(plan, { ...SOURCE, pullRequest: 12 }, { owner: "payments", directory: "clusters" });
    expect(message).toContain("Paved-Unit: staging/api payments.api.staging clusters/staging/payments-staging/api\n");
    expect(parseGitopsCommit(message)).toEqual({
      source: { repository: "acme/payments", sha: SOURCE.sha },
      pullRequest: 12,
      units: [{ environment: "staging", service: "api", application: "payments.api.staging", dir: "clusters/staging/payments-staging/api" }],
    });
  });

  it("are absent from commits Paved did not write", () => {
    expect(parseGitopsCommit("Update README\n\nPaved-Unit: staging/api payments.api.staging staging/x/api\n")).toBeNull();
    expect(parseGitopsCommit("Merge pull request #4\n")).toBeNull();
  });
});

describe("the live line in the pull request comment", () => {
  const statuses: EnvironmentStatus[] = [
    { environment: "staging", state: "success", description: "api: healthy at 1.4.3", logUrl: "https://argocd.acme.io/applications/argocd/payments.api.staging", autoSync: true, version: "1.4.3" },
    { environment: "production", state: "queued", description: "", logUrl: "https://argocd.acme.io/applications/argocd/payments.api.production", autoSync: false },
  ];

  it("reads like the developer expects, and replaces itself in place", () => {
    const block = deploymentsBlock(statuses);
    expect(block).toContain("staging ✅ healthy at 1.4.3 · production ⏳ waiting for a sync — [open in Argo CD](https://argocd.acme.io/applications/argocd/payments.api.production)");
    const body = "<!-- paved:plan -->\n## ✅ Paved: applied\n\n`platform.yaml` in `acme/payments`\n\n### 🔗 Links\n- x\n\n---\n<sub>Paved plan</sub>\n";
    const once = withDeploymentsBlock(body, block);
    expect(once.indexOf("### 🚀 Deployments")).toBeLessThan(once.indexOf("### 🔗 Links"));
    const failed = deploymentsBlock([{ ...statuses[0]!, state: "failure", description: "api: failed: <b>@team</b> broke [x](y)" }]);
    const twice = withDeploymentsBlock(once, failed);
    expect(twice.match(/### 🚀 Deployments/g)).toHaveLength(1);
    expect(twice).toContain("staging ❌ api: failed: \\<b\\>@\u200bteam\\</b\\> broke \\[x\\](y) — [open in Argo CD]");
    expect(withDeploymentsBlock(twice, failed)).toBe(twice);
  });
});

describe("the Argo CD side Paved renders", () => {
  const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, defaultTemplates());
  const configMap = load(result.files.get("argocd/argocd-notifications-cm.yaml")!) as { metadata: { name: string; namespace: string }; data: Record<string, string> };

  it("is one argocd-notifications-cm with Paved's webhook service, templates, triggers and one subscription by label", () => {
    expect(configMap.metadata).toEqual({ name: "argocd-notifications-cm", namespace: "argocd" });
    expect(load(configMap.data["service.webhook.paved"]!)).toEqual({
      url: "$paved-url",
      headers: [
        { name: "Content-Type", value: "application/json" },
        { name: "Authorization", value: "Bearer $paved-token" },
      ],
    });
    for (const trigger of PAVED_TRIGGERS) {
      expect(load(configMap.data[`trigger.${trigger.name}`]!)).toEqual([{ description: trigger.description, when: trigger.when, oncePer: trigger.oncePer, send: [trigger.name] }]);
      expect((load(configMap.data[`template.${trigger.name}`]!) as { webhook: { paved: { method: string } } }).webhook.paved.method).toBe("POST");
    }
    expect(PAVED_TRIGGERS.map((t) => t.name)).toEqual(["paved-on-sync-running", "paved-on-deployed", "paved-on-sync-failed", "paved-on-health-degraded"]);
    expect(load(configMap.data.subscriptions!)).toEqual([{ recipients: ["paved"], selector: NOTIFY_SELECTOR, triggers: PAVED_TRIGGERS.map((t) => t.name) }]);
  });

  it("selects every Application Paved renders, through a label they carry, with no annotation per deploy and no sha", () => {
    const [key, value] = NOTIFY_SELECTOR.split("=");
    const applications = [...result.files].filter(([path]) => path.endsWith("/application.yaml"));
    expect(applications.length).toBe(3);
    for (const [, text] of applications) {
      const app = load(text) as { metadata: { labels: Record<string, string>; annotations?: Record<string, string> } };
      expect(app.metadata.labels[key!]).toBe(value);
      expect(Object.keys(app.metadata.annotations ?? {}).filter((k) => k.startsWith("notifications.argoproj.io"))).toEqual([]);
      expect(text).not.toMatch(/[0-9a-f]{40}/);
    }
    expect(result.files.get("argocd/argocd-notifications-cm.yaml")).not.toMatch(/[0-9a-f]{40}/);
    expect(result.shared).toContain("argocd/argocd-notifications-cm.yaml");
  });

  it("keeps every namespace a YAML scalar", () => {
    expect(load(notificationsConfigMap(yamlString("argo: cd\n#x")))).toMatchObject({ metadata: { namespace: "argo: cd\n#x" } });
  });
});
