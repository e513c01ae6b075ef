import { describe, expect, it } from "vitest";
import { deploymentHistory, entriesOf, historyText } from "../src/report/history.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

function message(body: string[], trailers: string[]): string {
  return ["paved: acme/payments@aaaaaaa", "", ...body, "", ...trailers].join("\n") + "\n";
}

describe("deployment history from GitOps commit trailers", () => {
  it("reads one entry per environment a commit deployed, with action, who, source and source commit", () => {
    const commit = {
      sha: "1".repeat(40),
      date: "2026-12-01T10:00:00Z",
      message: message(["staging/api: update (image 1.5.0)"], [
        "Paved-Plan: p1",
        `Paved-Source: acme/payments@${A}`,
        "Paved-Action: promote",
        "Paved-By: dev",
        "Paved-Environment: staging",
        `Paved-Source-Commit: staging@${A}`,
        "Paved-Environment: production",
        `Paved-Source-Commit: production@${B}`,
      ]),
    };
    expect(entriesOf(commit)).toEqual([
      { gitopsCommit: commit.sha, date: commit.date, action: "promote", by: "dev", source: "acme/payments", environment: "staging", sourceCommit: A },
      { gitopsCommit: commit.sha, date: commit.date, action: "promote", by: "dev", source: "acme/payments", environment: "production", sourceCommit: B },
    ]);
  });

  it("ignores commits without Paved-Action (by hand, or before promotion) and trailer-looking lines outside the last paragraph", () => {
    const byHand = { sha: "2".repeat(40), date: "d", message: `fix typo\n\nPaved-Source-Commit: staging@${A}\n` };
    const spoofed = {
      sha: "3".repeat(40),
      date: "d",
      message: message([`Paved-Action: rollback`, `Paved-Source-Commit: staging@${B}`], ["Paved-Plan: p", `Paved-Source: acme/payments@${A}`]),
    };
    expect(deploymentHistory([byHand, spoofed], "staging")).toEqual([]);
  });

  it("keeps the given order, filters by environment, and prints one escaped line per entry", () => {
    const merge = { sha: "4".repeat(40), date: "2026-12-01T09:00:00Z", message: message([], [`Paved-Source: acme/payments@${A}`, "Paved-Action: merge", "Paved-Environment: staging", `Paved-Source-Commit: staging@${A}`]) };
    const hold = { sha: "5".repeat(40), date: "2026-12-01T11:00:00Z", message: message([], [`Paved-Source: acme/payments@${B}`, "Paved-Action: hold", "Paved-By: ops\u001b[31m", "Paved-Environment: staging", `Paved-Source-Commit: staging@${B}`]) };
    const entries = deploymentHistory([hold, merge], "staging");
    expect(entries.map((e) => e.action)).toEqual(["hold", "merge"]);
    expect(deploymentHistory([hold, merge], "production")).toEqual([]);
    const text = historyText(entries, "staging");
    expect(text.split("\n")[1]).toBe(`2026-12-01T09:00:00Z  merge    acme/payments@aaaaaaa (merge)  gitops 4444444`);
    expect(text).not.toContain("\u001b");
    expect(historyText([], "staging")).toContain("No deployments to staging");
  });
});
