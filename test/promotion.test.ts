import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { decide, type Deployed } from "../src/plan/promotion.js";

const config = loadConfig(
  ["environments:", "  staging: { cluster: https://a.example }", "  production: { cluster: https://b.example, promote: { after: staging } }", ""].join("\n"),
  "paved.yml",
).config!;
const A = "a".repeat(40);
const B = "b".repeat(40);

describe("which commit goes to which environment", () => {
  it("a merge moves merge environments only; the others keep their commit", () => {
    const deployed: Deployed = { staging: { commit: A, action: "merge", held: false, previous: [] }, production: { commit: A, action: "promote", held: false, previous: [] } };
    const d = decide(config, deployed, { kind: "merge", head: B, present: ["staging", "production"] });
    expect(d.kind === "deploy" && d.targets.map((t) => [t.environment, t.commit, t.changes])).toEqual([["staging", B, true], ["production", A, false]]);
    expect(d.kind === "deploy" && d.deployed.staging!.previous).toEqual([A]);
  });

  it("health promotes only the commit the environment runs, never into a held one", () => {
    const deployed: Deployed = { staging: { commit: B, action: "merge", held: false, previous: [A] }, production: { commit: A, action: "rollback", held: true, previous: [B] } };
    expect(decide(config, deployed, { kind: "healthy", environment: "staging", commit: A }).kind).toBe("noop");
    expect(decide(config, deployed, { kind: "healthy", environment: "staging", commit: B })).toMatchObject({ kind: "noop", reason: expect.stringContaining("held") });
    expect(decide(config, { ...deployed, production: { ...deployed.production!, held: false } }, { kind: "healthy", environment: "staging", commit: B })).toMatchObject({ kind: "deploy", environments: ["production"] });
  });

  it("rollback goes to the previous commit once and holds; promotion by hand releases", () => {
    const deployed: Deployed = { staging: { commit: B, action: "merge", held: false, previous: [] }, production: { commit: B, action: "promote", held: false, previous: [A] } };
    const rolled = decide(config, deployed, { kind: "rollback", environment: "production" });
    expect(rolled).toMatchObject({ kind: "deploy", deployed: { production: { commit: A, held: true, action: "rollback" } } });
    const after = rolled.kind === "deploy" ? rolled.deployed : {};
    expect(decide(config, after, { kind: "rollback", environment: "production" }).kind).toBe("noop");
    expect(decide(config, after, { kind: "promote", environment: "production" })).toMatchObject({ kind: "deploy", deployed: { production: { commit: B, held: false } } });
    expect(decide(config, after, { kind: "promote", environment: "staging" }).kind).toBe("refused");
  });
});
