import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_MANIFEST, openPull, pullRequestPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

/** The real HTTP entry on loopback: GitHub's signature is what separates a delivery from a forgery. */
let fake: FakeGitHub;
let url: string;

useApp((app) => ({ fake, url } = { ...app, url: `${app.url}/api/github/webhooks` }), { http: true });

function post(body: string, signature: string, id: string) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": id,
      "x-hub-signature-256": signature,
    },
    body,
  });
}

const sign = (body: string, secret: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("the webhook server", () => {
  it("acts on a signed delivery and refuses a forged one without calling GitHub", async () => {
    seedOrg(fake);
    const pr = openPull(fake, { "platform.yaml": EXAMPLE_MANIFEST.replace("replicas: 3", "replicas: 4") });
    const body = JSON.stringify(pullRequestPayload(fake, pr.number));

    const forged = await post(body, sign(body, "not-the-secret"), "forged-1");
    expect(forged.status).toBeGreaterThanOrEqual(400);
    const unsigned = await post(body, "", "forged-2");
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(fake.calls).toHaveLength(0);

    const signed = await post(body, sign(body, "test-secret"), "real-1");
    expect(signed.status).toBe(200);
    expect(fake.checkRuns(APP_REPO, { headSha: pr.headSha, name: "Paved" })).toHaveLength(1);
    expect(fake.comments(APP_REPO, pr.number)).toHaveLength(1);
  });
});
