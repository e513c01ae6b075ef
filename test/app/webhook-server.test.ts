import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import paved from "../../src/index.js";
import { testProbot } from "../support/app-harness.js";
import { APP_REPO, EXAMPLE_MANIFEST, openPull, pullRequestPayload, seedOrg } from "../support/app-world.js";
import { FakeGitHub } from "../support/fake-github.js";

/** The real HTTP entry on loopback: GitHub's signature is what separates a delivery from a forgery. */
let fake: FakeGitHub;
let server: Server;
let url: string;

beforeEach(async () => {
  fake = new FakeGitHub().install();
  const probot = testProbot();
  const middleware = await createNodeMiddleware(paved, { probot, webhooksPath: "/api/github/webhooks" });
  server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  expect(fake.unhandled).toEqual([]);
  fake.uninstall();
});

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
