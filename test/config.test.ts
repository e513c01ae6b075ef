import { describe, it, expect } from "vitest";
import { at, exampleConfigText, yaml } from "./manifest-fixtures.js";
import { DEFAULT_CONFIG, loadConfig } from "../src/config/load.js";

const FILE = ".github/paved.yml";

describe("loadConfig", () => {
  it("an empty config is exactly the built-in defaults", () => {
    const loaded = loadConfig("", FILE);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(loadConfig("# nothing but a comment\n", FILE).config).toEqual(DEFAULT_CONFIG);
  });

  it("the defaults match the spec and cannot be mutated", () => {
    expect(DEFAULT_CONFIG.environments.map((e) => [e.name, e.namespace, e.autoSync, e.production])).toEqual([
      ["staging", "{owner}-{env}", true, false],
      ["production", "{owner}-{env}", false, true],
    ]);
    expect(DEFAULT_CONFIG.render.mode).toBe("manifests");
    expect(DEFAULT_CONFIG.registries).toEqual([]);
    expect(DEFAULT_CONFIG.dependencies).toEqual({});
    expect(Object.isFrozen(DEFAULT_CONFIG.environments[0])).toBe(true);
  });

  it("resolves the shared example", () => {
    const { config, diagnostics } = loadConfig(exampleConfigText, FILE);
    expect(diagnostics).toEqual([]);
    expect(config!.gitops).toEqual({ repository: "acme/gitops", branch: "main", directory: "" });
    expect(config!.render).toEqual({
      mode: "manifests",
      chart: { repoURL: "https://charts.acme.io", name: "service", version: "1.4.0", valuesSchema: null },
      templates: null,
    });
    expect(config!.environments).toEqual([
      {
        name: "staging",
        cluster: "https://kubernetes.default.svc",
        namespace: "{owner}-staging",
        domain: "staging.acme.io",
        autoSync: true,
        production: false,
        mode: "direct",
        promote: { kind: "merge" },
      },
      {
        name: "production",
        cluster: "https://prod.k8s.acme.io",
        namespace: "{owner}",
        autoSync: false,
        production: true,
        mode: "direct",
        ingress: { className: "nginx", tls: { secretName: "{service}-tls", clusterIssuer: "letsencrypt" } },
        approval: { owners: true, teams: ["platform"], excludeLastPusher: false },
        promote: { kind: "merge" },
      },
    ]);
    expect(config!.dependencies.postgres).toEqual({
      apiVersion: "database.acme.io/v1alpha1",
      kind: "PostgreSQLInstance",
      classes: ["small", "medium", "large"],
      outputs: ["host", "port", "username", "password", "database", "url"],
      params: null,
    });
    expect(config!.secretStore).toEqual({ kind: "ClusterSecretStore", name: "vault", keyPrefix: "{owner}/" });
    expect(config!.registries).toEqual(["ghcr.io/acme/"]);
    expect(config!.policies[0]).toMatchObject({ id: "prod-min-replicas", severity: "error" });
    expect(config!.argocd).toEqual({ url: "https://argocd.acme.io", namespace: "argocd" });
  });

  it("promote: merge by default, manual, or after an earlier environment; a later or unknown one is a located error", () => {
    const text = (promote: string) =>
      ["environments:", "  staging:", "    cluster: https://a.example", "  production:", "    cluster: https://b.example", `    promote: ${promote}`, ""].join("\n");
    expect(loadConfig(text("manual"), FILE).config!.environments[1]!.promote).toEqual({ kind: "manual" });
    expect(loadConfig(text("{ after: staging }"), FILE).config!.environments[1]!.promote).toEqual({ kind: "after", environment: "staging" });
    for (const [after, why] of [["production", "this environment itself"], ["qa", "not an environment"]] as const) {
      const { diagnostics } = loadConfig(text(`{ after: ${after} }`), FILE);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ code: "invalid-promotion", file: FILE, line: 6, column: 23 });
      expect(diagnostics[0]!.message).toContain(why);
      expect(diagnostics[0]!.message).toContain("`staging`");
    }
    const later = ["environments:", "  staging:", "    cluster: https://a.example", "    promote: { after: production }", "  production:", "    cluster: https://b.example", ""].join("\n");
    expect(loadConfig(later, FILE).diagnostics[0]).toMatchObject({ code: "invalid-promotion", line: 4 });
    expect(loadConfig(later, FILE).diagnostics[0]!.message).toContain("there is none");
  });

  it("production defaults to the name production|prod; approval fields default", () => {
    const { config } = loadConfig(
      yaml`
        environments:
          dev: { cluster: "https://a.example" }
          prod: { cluster: "https://b.example", approval: {} }
          production: { cluster: "https://c.example", production: false }
          live: { cluster: "https://d.example", production: true }
      `,
      FILE,
    );
    expect(config!.environments.map((e) => [e.name, e.production])).toEqual([
      ["dev", false],
      ["prod", true],
      ["production", false],
      ["live", true],
    ]);
    expect(config!.environments[1]!.approval).toEqual({ owners: false, teams: [], excludeLastPusher: false });
    expect(config!.environments[0]).toMatchObject({ namespace: "{owner}-{env}", autoSync: false, mode: "direct" });
  });

  it("helm mode needs a chart: a located error", () => {
    const loaded = loadConfig("render:\n  mode: helm\n", FILE);
    expect(loaded.config).toBeUndefined();
    expect(loaded.diagnostics.map(at)).toEqual(["missing-field@2:9"]);
    expect(loaded.diagnostics[0]!.message).toContain("`render.chart`");
  });

  it("unknown settings suggest the nearest", () => {
    const loaded = loadConfig("enviroments:\n  staging: { cluster: 'https://a.example' }\n", FILE);
    expect(loaded.diagnostics.map(at)).toEqual(["unknown-field@1:1"]);
    expect(loaded.diagnostics[0]!.message).toBe("unknown field `enviroments`; did you mean `environments`?");
    expect(loaded.diagnostics[0]!.file).toBe(FILE);
  });

  it("unknown built-in ids suggest the nearest", () => {
    const loaded = loadConfig("builtins:\n  image-tags: false\n", FILE);
    expect(loaded.diagnostics.map(at)).toEqual(["unknown-field@2:3"]);
    expect(loaded.diagnostics[0]!.message).toContain("did you mean `image-tag`?");
  });

  it("schema errors are located and said in words", () => {
    const loaded = loadConfig(
      yaml`
        gitops:
          repository: not a repo
        environments:
          staging:
            cluster: not-a-url
            namespace: "{owner}_{env}"
      `,
      FILE,
    );
    expect(loaded.diagnostics.map(at)).toEqual(["invalid-value@2:15", "invalid-value@5:14", "invalid-value@6:16"]);
    expect(loaded.diagnostics[0]!.message).toContain("`owner/name`");
    expect(loaded.diagnostics[1]!.message).toContain("absolute URL");
    expect(loaded.diagnostics[2]!.message).toContain("`{owner}` and `{env}`");
  });

  it("a missing cluster is reported at the environment key", () => {
    const loaded = loadConfig("environments:\n  staging:\n    domain: a.example\n", FILE);
    expect(loaded.diagnostics.map(at)).toEqual(["missing-field@2:3"]);
  });

  it("a config that is not a mapping, or not YAML, yields no config", () => {
    expect(loadConfig("- a\n", FILE).diagnostics.map((d) => d.code)).toEqual(["invalid-type"]);
    const broken = loadConfig("gitops: [\n", FILE);
    expect(broken.config).toBeUndefined();
    expect(broken.diagnostics.length).toBeGreaterThan(0);
  });

  it("a policy that matches an unconfigured environment is a warning", () => {
    const loaded = loadConfig("policies:\n  - id: p\n    match: { environments: [prd] }\n    assert: {}\n", FILE);
    expect(loaded.config).toBeDefined();
    expect(loaded.diagnostics.map((d) => `${d.severity}:${at(d)}`)).toEqual(["warning:unknown-environment@3:29"]);
  });
});
