/**
 * A pull request in the org's `.github` repository that changes the org config gets a `Paved config`
 * check: the proposed config at the head commit with its templates, located annotations, against the
 * real app and the fake GitHub. Other pull requests there, and pull requests elsewhere, get none.
 */
import type { Probot } from "probot";
import { beforeEach, expect, it } from "vitest";
import { useApp } from "../support/app-harness.js";
import { CONFIG_WITHOUT_APPROVAL, deliver, ORG, seedOrg } from "../support/app-world.js";
import type { FakeGitHub } from "../support/fake-github.js";
import { orgPullRequestPayload } from "../support/org-world.js";

const ORG_REPO = `${ORG}/.github`;
let fake: FakeGitHub;
let probot: Probot;

useApp((app) => ({ fake, probot } = app));
beforeEach(() => seedOrg(fake));

function openOrgPull(files: Record<string, string>, branch = "config-change"): { headSha: string; payload: unknown } {
  const headSha = fake.commit(ORG_REPO, branch, { files }, "Change the org config");
  const pr = fake.addPull(ORG_REPO, { head: { ref: branch, sha: headSha }, base: { ref: "main" }, user: "platform-dev" });
  return { headSha, payload: orgPullRequestPayload(fake, pr.number) };
}

it("a config change that breaks a template and misnames a policy field fails the check, at the lines", async () => {
  const config = CONFIG_WITHOUT_APPROVAL.replace("  mode: manifests ", "  templates: paved-templates\n  mode: manifests ");
  expect(config).toContain("templates: paved-templates");
  const withTypo = config.replace("properties: { replicas: { minimum: 2 } }", "properties: { replica: { minimum: 2 } }");
  expect(withTypo).not.toBe(config);
  const { headSha, payload } = openOrgPull({
    ".github/paved.yml": withTypo,
    ".github/paved-templates/service.yaml.hbs": "kind: Service\nmetadata:\n  name: {{service.name}\n",
  });
  await deliver(probot, "pull_request", payload);

  const runs = fake.checkRuns(ORG_REPO, { headSha, name: "Paved config" });
  expect(runs).toHaveLength(1);
  const run = runs[0]!;
  expect(run.conclusion).toBe("failure");
  expect(run.output.title).toBe("1 error in the proposed org config");
  const policyLine = withTypo.split("\n").findIndex((l) => l.includes("replica:")) + 1;
  expect(run.annotations.map((a) => `${a.path}:${a.start_line} ${a.annotation_level} ${a.title}`).sort()).toEqual(
    [`.github/paved-templates/service.yaml.hbs:3 failure render-template-error`, `.github/paved.yml:${policyLine} warning unknown-policy-field`].sort(),
  );
  expect(run.output.summary).toContain("did you mean `replicas`?");
  // No plan check or comment for the `.github` repository (it has no manifest), and no fleet preview of settings that do not load.
  expect(fake.checkRuns(ORG_REPO, { headSha, name: "Paved" })).toEqual([]);

  // A redelivery (the same delivery id) changes nothing, even after a later event wrote its own check.
  await deliver(probot, "pull_request", payload, "delivery-config-later");
  expect(fake.checkRuns(ORG_REPO, { headSha, name: "Paved config" })).toHaveLength(2);
  await deliver(probot, "pull_request", payload, run.externalId!);
  expect(fake.checkRuns(ORG_REPO, { headSha, name: "Paved config" })).toHaveLength(2);
});

it("a valid config change passes; a change beside the config gets no check", async () => {
  const valid = openOrgPull({ ".github/paved.yml": CONFIG_WITHOUT_APPROVAL.replace("branch: main", "branch: main # the branch Argo CD syncs") }, "valid");
  await deliver(probot, "pull_request", valid.payload);
  const [run] = fake.checkRuns(ORG_REPO, { headSha: valid.headSha, name: "Paved config" });
  expect(run?.conclusion).toBe("success");
  expect(run?.output.title).toBe("the proposed org config is valid");

  const other = openOrgPull({ "README.md": "org profile\n" }, "readme");
  await deliver(probot, "pull_request", other.payload);
  expect(fake.checkRuns(ORG_REPO, { headSha: other.headSha })).toEqual([]);
});
