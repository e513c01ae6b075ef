/**
 * What the render finds about the org config, in the App (computed on a plan worker): located in the
 * config where it names the cause, not at `.github/paved.yml:1:1`.
 */
import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { deliver, openPull, pullRequestPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

const MULTI_TEAM = new URL("../../examples/multi-team/", import.meta.url);
const HELM = readFileSync(new URL("paved-helm.yml", MULTI_TEAM), "utf8");
const MANIFEST = readFileSync(new URL("payments.platform.yaml", MULTI_TEAM), "utf8");

let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));

describe("a render finding about the org config", () => {
  it("points at the line of the config field that causes it", async () => {
    seedOrg(fake, { config: HELM, manifest: null });
    // Valid JSON (the settings loader reads it) that Ajv does not compile (the render step refuses it).
    fake.commit("acme/.github", "main", { files: { ".github/values.schema.json": '{ "type": "object", "properties": { "replicas": { "type": "integr" } } }' } });
    const pr = openPull(fake, { "platform.yaml": MANIFEST });
    await deliver(probot, "pull_request", pullRequestPayload(fake, pr.number));

    const [check] = fake.checkRuns("acme/payments", { headSha: pr.headSha, name: "Paved" });
    expect(check!.conclusion).toBe("failure");
    const line = HELM.split("\n").findIndex((l) => l.includes("valuesSchema:")) + 1;
    expect(line).toBeGreaterThan(1);
    expect(check!.output.summary).toContain(`.github/paved.yml:${line}`);
    expect(check!.output.summary).toContain("render-invalid-values-schema");
    expect(check!.output.summary).not.toContain(".github/paved.yml:1:1");
  });
});
