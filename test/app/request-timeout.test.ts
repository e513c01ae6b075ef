import { expect, it } from "vitest";
import { onPush } from "../../src/app/push.js";
import { withRequestTimeout } from "../../src/app/request-timeout.js";
import { testProbot, useApp } from "../support/app-harness.js";
import { APP_REPO, GITOPS, deliver, pushPayload, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";

let fake: FakeGitHub;

useApp((app) => ({ fake } = app), { start: false });

it("fails the check, saying why, when GitHub does not answer in time", async () => {
  const probot = testProbot();
  await probot.load((app) => app.on("push", withRequestTimeout(onPush, 300)));
  seedOrg(fake);
  fake.delayNext({ method: "GET", pathMatch: /\/git\/trees\//, ms: 1_500 });
  const after = fake.headSha(APP_REPO, "main");
  await expect(deliver(probot, "push", pushPayload(fake, "1".repeat(40), after, { added: ["platform.yaml"] }))).rejects.toThrow();
  const check = fake.checkRuns(APP_REPO, { headSha: after, name: "Paved" })[0]!;
  expect(check.status).toBe("completed");
  expect(check.conclusion).toBe("failure");
  expect(Object.keys(fake.readTree(GITOPS))).toEqual(["README.md"]);
});
