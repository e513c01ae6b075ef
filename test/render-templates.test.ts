// Template sets: the built-ins, an org folder that overrides and adds, and templates that fail.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILTIN_TEMPLATES, compileTemplateSet, defaultTemplates, loadTemplateSet } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import { exampleUnits, fullUnit, helmConfig, manifestsConfig, SOURCE } from "./render-fixtures.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "paved-templates-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{concat service.name "-extra"}}
  namespace: {{environment.namespace}}
data:
  owner: {{owner}}
  {{#each service.env}}
  {{name}}: {{#if value}}{{value}}{{else}}"from a secret"{{/if}}
  {{/each}}
`;

describe("the built-in template set", () => {
  it("has every built-in template, compiled, and is compiled once", () => {
    const set = defaultTemplates();
    expect(set.broken.size).toBe(0);
    expect([...set.templates.keys()].sort()).toEqual([...BUILTIN_TEMPLATES].sort());
    expect(defaultTemplates()).toBe(set);
    expect(loadTemplateSet(null)).toBe(set);
  });

  it("renders byte-identical output every time, with \\n line endings and a trailing newline", () => {
    const first = renderUnits(exampleUnits(), manifestsConfig, SOURCE, defaultTemplates());
    const second = renderUnits(exampleUnits(), manifestsConfig, { repository: SOURCE.repository }, loadTemplateSet(join(dir)));
    expect([...second.files]).toEqual([...first.files]);
    expect([...first.files.keys()]).toEqual([...first.files.keys()].sort());
    for (const text of first.files.values()) {
      expect(text.endsWith("\n") && !text.endsWith("\n\n")).toBe(true);
      expect(text).not.toMatch(/\r/);
      expect(text).not.toContain(SOURCE.sha);
    }
  });

  it("does not depend on the order of env vars, secrets, dependencies or params in the manifest", () => {
    const a = fullUnit({ env: { B: "2", A: "1" }, dependencies: { z: { type: "postgres", params: { b: 1, a: 2 } }, a: { type: "postgres" } } });
    const b = fullUnit({ env: { A: "1", B: "2" }, dependencies: { a: { type: "postgres" }, z: { type: "postgres", params: { a: 2, b: 1 } } } });
    const render = (unit: typeof a) => renderUnits([unit], manifestsConfig, SOURCE, defaultTemplates()).files;
    expect([...render(a)]).toEqual([...render(b)]);
  });
});

describe("an org templates folder", () => {
  it("overrides a built-in by name and adds a unit-level template rendered into manifests/", () => {
    writeFileSync(join(dir, "service.yaml.hbs"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{service.name}}\n  annotations:\n    org: \"ours\"\n");
    writeFileSync(join(dir, "configmap.yaml.hbs"), CONFIGMAP);
    writeFileSync(join(dir, "README.md"), "not a template");
    const set = loadTemplateSet(dir);
    expect(set.broken.size).toBe(0);
    expect(set.templates.get("service")!.file).toBe(join(dir, "service.yaml.hbs"));
    expect(set.templates.get("deployment")!.file).toBe("templates/deployment.yaml.hbs");

    const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, set);
    expect(result.diagnostics).toEqual([]);
    const service = yaml.load(result.files.get("staging/payments-staging/api/manifests/service.yaml")!) as any;
    expect(service.metadata.annotations).toEqual({ org: "ours" });
    const extra = yaml.load(result.files.get("staging/payments-staging/api/manifests/configmap.yaml")!) as any;
    expect(extra.data).toEqual({ owner: "payments", DATABASE_URL: "from a secret", LOG_LEVEL: "info", STRIPE_KEY: "from a secret" });
    expect(result.files.has("staging/payments-staging/worker/manifests/configmap.yaml")).toBe(true);
    expect(result.units[0]!.paths).toContain("staging/payments-staging/api/manifests/configmap.yaml");
    expect(result.owned).toContain("staging/payments-staging/api/manifests/configmap.yaml");
  });

  it("refuses a template whose objects share an identity across units (a fixed name in one namespace)", () => {
    writeFileSync(join(dir, "shared.yaml.hbs"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-settings\n");
    const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, loadTemplateSet(dir));
    // api and worker share payments-staging: the second ConfigMap team-settings is refused, naming both files.
    const problems = result.diagnostics.filter((d) => d.code === "render-duplicate-object");
    expect(problems.map((d) => d.file)).toEqual([join(dir, "shared.yaml.hbs")]);
    expect(problems[0]!.message).toBe(
      "ConfigMap payments-staging/team-settings on https://kubernetes.default.svc is rendered twice, in staging/payments-staging/api/manifests/shared.yaml " +
        "and in staging/payments-staging/worker/manifests/shared.yaml; Argo CD would apply one over the other. Make the template's names unique (e.g. include {{service.name}}) (rendering staging/worker)",
    );
    expect(result.files.has("staging/payments-staging/worker/manifests/shared.yaml")).toBe(false);
    // Another namespace (production) is another identity.
    expect(result.files.has("production/payments/api/manifests/shared.yaml")).toBe(true);
  });

  it("in helm mode, an added template's files are synced by a third Application source", () => {
    writeFileSync(join(dir, "configmap.yaml.hbs"), CONFIGMAP);
    const result = renderUnits(exampleUnits(helmConfig), helmConfig, SOURCE, loadTemplateSet(dir));
    expect(result.diagnostics).toEqual([]);
    const app = yaml.load(result.files.get("staging/payments-staging/api/application.yaml")!) as any;
    expect(app.spec.sources[2]).toEqual({
      repoURL: "https://github.com/acme/gitops.git",
      targetRevision: "main",
      path: "staging/payments-staging/api/manifests",
    });
  });

  it("lets an added template render nothing for a unit (no file), but not a built-in one", () => {
    writeFileSync(join(dir, "only-servers.yaml.hbs"), "{{#if service.port}}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{service.name}}\n{{/if}}");
    writeFileSync(join(dir, "pdb.yaml.hbs"), "# nothing\n");
    const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, loadTemplateSet(dir));
    expect(result.files.has("staging/payments-staging/api/manifests/only-servers.yaml")).toBe(true);
    expect(result.files.has("staging/payments-staging/worker/manifests/only-servers.yaml")).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([["render-invalid-output", join(dir, "pdb.yaml.hbs")]]);
    expect(result.files.has("production/payments/api/manifests/pdb.yaml")).toBe(false);
  });

  it("reports a template that does not compile at its line, once, and renders no file from it", () => {
    writeFileSync(join(dir, "hpa.yaml.hbs"), "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {{service.name}\n  namespace: x\n");
    writeFileSync(join(dir, "extra.yaml.hbs"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{shout service.name}}\n");
    const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, loadTemplateSet(dir));
    expect(result.diagnostics.map((d) => ({ code: d.code, file: d.file, line: d.line, column: d.column }))).toEqual([
      { code: "render-template-error", file: join(dir, "extra.yaml.hbs"), line: 4, column: 9 },
      { code: "render-template-error", file: join(dir, "hpa.yaml.hbs"), line: 4, column: 1 },
    ]);
    expect(result.diagnostics[0]!.message).toMatch(/unknown helper shout/);
    expect(result.diagnostics[1]!.message).toBe(`template ${join(dir, "hpa.yaml.hbs")} does not compile: syntax error near "...name: {{service.name} namespace: x" (unexpected INVALID)`);
    expect([...result.files.keys()].filter((p) => p.endsWith("/hpa.yaml") || p.endsWith("/extra.yaml"))).toEqual([]);
    // Everything else still renders.
    expect(result.files.has("production/payments/api/manifests/deployment.yaml")).toBe(true);
  });

  it("reports a template that names a variable the view model lacks, folded over the units", () => {
    writeFileSync(join(dir, "service.yaml.hbs"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{service.name}}\n  labels:\n    team: {{service.team}}\n");
    const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, loadTemplateSet(dir));
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ severity: "error", code: "render-template-error", file: join(dir, "service.yaml.hbs"), line: 6, path: "" });
    expect(d!.message).toContain("{{team}} is not in the view model");
    expect(d!.message).toContain("(rendering staging/api and 1 other)");
    expect([...result.files.keys()].filter((p) => p.endsWith("/service.yaml"))).toEqual([]);
  });

  it("refuses output that is not YAML or not an identifiable object, naming the template and the output line", () => {
    writeFileSync(join(dir, "ingress.yaml.hbs"), "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{service.name}}\n  bad: [\n");
    writeFileSync(join(dir, "service.yaml.hbs"), "apiVersion: v1\nkind: Service\nmetadata:\n  labels: {}\n");
    writeFileSync(join(dir, "extra.yaml.hbs"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n");
    const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, loadTemplateSet(dir));
    const found = result.diagnostics.map((d) => ({ code: d.code, file: d.file.slice(dir.length + 1), line: d.line }));
    expect(found).toEqual([
      { code: "render-invalid-output", file: "extra.yaml.hbs", line: 5 },
      { code: "render-invalid-output", file: "ingress.yaml.hbs", line: 6 },
      { code: "render-invalid-output", file: "service.yaml.hbs", line: 1 },
    ]);
    expect(result.diagnostics[2]!.message).toContain("has no metadata.name");
    expect([...result.files.keys()].filter((p) => /\/(ingress|service|extra)\.yaml$/.test(p))).toEqual([]);
  });

  it("cannot turn manifest data into template text, even with triple-stash or concat", () => {
    const own = compileTemplateSet(
      {
        "catalog-component.yaml.hbs":
          "apiVersion: a/v1\nkind: Component\nmetadata:\n  name: {{concat service.name \"-\" owner}}\n  description: {{{service.description}}}\n  title: {{concat \"<\" service.description \">\"}}\n",
      },
      { "catalog-component.yaml.hbs": "org/catalog-component.yaml.hbs" },
    );
    const set = { templates: new Map([...defaultTemplates().templates, ...own.templates]), broken: own.broken, sources: own.sources };
    const evil = 'x"\nkind: Evil\n{{owner}} ${x} \\U0001F600 \u0085 \ud83d\ude00 \ud800';
    const result = renderUnits([fullUnit({ description: evil, dependencies: {} })], manifestsConfig, SOURCE, set);
    expect(result.diagnostics).toEqual([]);
    const documents = yaml.loadAll(result.files.get("catalog/payments/api.yaml")!) as any[];
    expect(documents).toEqual([{ apiVersion: "a/v1", kind: "Component", metadata: { name: "api-payments", description: evil, title: `<${evil}>` } }]);
  });
});

describe("diagnostics that stop a file or a unit", () => {
  it("refuses a path segment that is not a safe name", () => {
    const result = renderUnits([fullUnit({}, { namespace: "../escape" }), fullUnit({}, { service: "worker" })], manifestsConfig, SOURCE, defaultTemplates());
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["render-unsafe-path", "/services/api"]]);
    expect([...result.files.keys()].some((p) => p.includes(".."))).toBe(false);
    expect(result.units.map((u) => u.service)).toEqual(["worker"]);
  });

  it("refuses an added template whose name is not a safe file name", () => {
    const own = compileTemplateSet({ ".hidden.yaml.hbs": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n" });
    const merged = { templates: new Map([...defaultTemplates().templates, ...own.templates]), broken: own.broken, sources: own.sources };
    const result = renderUnits([fullUnit()], manifestsConfig, SOURCE, merged);
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([["render-unsafe-path", "templates/.hidden.yaml.hbs"]]);
  });

  it("refuses a service-environment name too long for a Helm release", () => {
    const env = "e".repeat(40);
    const config = { ...manifestsConfig, environments: [{ ...manifestsConfig.environments[0]!, name: env }] };
    const result = renderUnits([fullUnit({}, { service: "s".repeat(20), environment: env })], config, SOURCE, defaultTemplates());
    expect(result.diagnostics.map((d) => d.code)).toEqual(["render-name-too-long"]);
    expect(result.units).toEqual([]);
  });

  it("renders no claim for a dependency type the catalog does not list", () => {
    const unit = fullUnit({ env: {}, dependencies: { cache: { type: "redis" } } });
    const result = renderUnits([unit], manifestsConfig, SOURCE, defaultTemplates());
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([["render-unknown-dependency-type", "/services/api"]]);
    expect([...result.files.keys()].some((p) => p.includes("claim-"))).toBe(false);
  });

  it("needs the GitOps repository URL, and a chart in helm mode", () => {
    const noRepo = { ...manifestsConfig, gitops: { branch: "main", directory: "" } };
    expect(renderUnits([fullUnit()], noRepo, SOURCE, defaultTemplates()).diagnostics.map((d) => d.code)).toEqual(["render-no-gitops-repository"]);
    const withURL = renderUnits([fullUnit()], noRepo, SOURCE, defaultTemplates(), { gitopsRepoURL: "https://git.example.com/gitops.git" });
    expect(withURL.diagnostics).toEqual([]);
    expect(withURL.files.get("staging/payments-staging/api/application.yaml")).toContain('repoURL: "https://git.example.com/gitops.git"');
    const noChart = { ...helmConfig, render: { mode: "helm" as const, templates: null } };
    expect(renderUnits([fullUnit()], noChart, SOURCE, defaultTemplates()).diagnostics.map((d) => d.code)).toEqual(["render-no-chart"]);
  });

  it("puts the tree under the configured directory, without a leading slash", () => {
    const config = { ...manifestsConfig, gitops: { ...manifestsConfig.gitops, directory: "clusters/acme" } };
    const result = renderUnits(exampleUnits(), config, SOURCE, defaultTemplates());
    for (const path of result.files.keys()) expect(path.startsWith("clusters/acme/")).toBe(true);
    expect(result.shared).toEqual(["clusters/acme/argocd/argocd-notifications-cm.yaml", "clusters/acme/projects/payments.yaml"]);
    const app = yaml.load(result.files.get("clusters/acme/staging/payments-staging/api/application.yaml")!) as any;
    expect(app.spec.source.path).toBe("clusters/acme/staging/payments-staging/api/manifests");
  });
});

describe("helm values and the chart's values.schema.json", () => {
  const schema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    required: ["image", "replicas"],
    properties: {
      image: { type: "object", required: ["repository"], properties: { repository: { type: "string" }, tag: { type: "string" }, digest: { type: "string" } } },
      replicas: { type: "integer", maximum: 2 },
    },
  };

  it("accepts values the schema allows and reports (and drops) the others", () => {
    const result = renderUnits(exampleUnits(helmConfig), helmConfig, SOURCE, defaultTemplates(), { valuesSchema: schema });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "render-invalid-values", file: "templates/values.yaml.hbs" });
    expect(result.diagnostics[0]!.message).toContain("values.replicas must be <= 2");
    expect(result.diagnostics[0]!.message).toContain("production/api");
    expect(result.files.has("production/payments/api/values.yaml")).toBe(false);
    expect(result.files.has("staging/payments-staging/api/values.yaml")).toBe(true);
  });

  it("reports a schema that does not compile", () => {
    const result = renderUnits(exampleUnits(helmConfig), helmConfig, SOURCE, defaultTemplates(), { valuesSchema: { type: "nonsense" } });
    expect(result.diagnostics.map((d) => d.code)).toEqual(["render-invalid-values-schema"]);
  });
});
