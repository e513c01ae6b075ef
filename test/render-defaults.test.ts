// The defaults a platform engineer expects in what Paved renders, each from the built-in templates
// (so an org's own templates can override it): pods that pass Pod Security "restricted", ingress
// class and TLS from the org config, a startup probe apart from liveness, an Argo CD sync retry,
// and Backstage annotations that link a component to its repository and its Application.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterAll, describe, expect, it } from "vitest";
import type { ResolvedConfig } from "../src/config/types.js";
import type { Unit } from "../src/core/unit.js";
import { defaultTemplates, loadTemplateSet } from "../src/render/index.js";
import { renderUnits } from "./support/render-alone.js";
import type { CompiledTemplateSet } from "../src/render/index.js";
import { exampleUnits, fullUnit, helmConfig, manifestsConfig, SOURCE } from "./render-fixtures.js";
import { podSpecsOf, POD_SECURITY_CONTROLS, restrictedViolations } from "./support/pod-security.js";
import { renderTree, TREE_CASES } from "./support/rendered-trees.js";

type Doc = Record<string, any>;

function render(units: Unit[], config: ResolvedConfig, templates: CompiledTemplateSet = defaultTemplates()): Array<{ path: string; object: Doc }> {
  const result = renderUnits(units, config, SOURCE, templates);
  expect(result.diagnostics).toEqual([]);
  return [...result.files].flatMap(([path, text]) => yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA }).map((object) => ({ path, object: object as Doc })));
}

const kind = (objects: Array<{ object: Doc }>, name: string) => objects.filter((r) => r.object.kind === name).map((r) => r.object);
const trees = TREE_CASES.map((c) => ({ name: c.name, config: c.config, ...renderTree(c) }));

describe("Pod Security: every rendered pod spec passes the restricted profile", () => {
  it("has the profile's controls, from the Kubernetes documentation's table", () => {
    expect(POD_SECURITY_CONTROLS.map((c) => `${c.profile}: ${c.control}`)).toEqual([
      "baseline: HostProcess",
      "baseline: Host Namespaces",
      "baseline: Privileged Containers",
      "baseline: Capabilities (baseline)",
      "baseline: HostPath Volumes",
      "baseline: Host Ports",
      "baseline: AppArmor",
      "baseline: SELinux",
      "baseline: /proc Mount Type",
      "baseline: Seccomp (baseline)",
      "baseline: Sysctls",
      "restricted: Volume Types",
      "restricted: Privilege Escalation",
      "restricted: Running as Non-root",
      "restricted: Running as Non-root user",
      "restricted: Seccomp (restricted)",
      "restricted: Capabilities (restricted)",
    ]);
  });

  it("refuses a plain pod spec, naming each control it breaks (the negative control)", () => {
    const plain = { containers: [{ name: "api", image: "x" }] };
    expect(restrictedViolations(plain)).toEqual(["Privilege Escalation", "Running as Non-root", "Seccomp (restricted)", "Capabilities (restricted)"]);
    const root = { securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } }, hostNetwork: true, volumes: [{ name: "h", hostPath: { path: "/" } }], containers: [{ name: "a", image: "x", securityContext: { allowPrivilegeEscalation: false, privileged: true, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } } }] };
    expect(restrictedViolations(root)).toEqual(["Host Namespaces", "Privileged Containers", "Capabilities (baseline)", "HostPath Volumes", "Volume Types", "Running as Non-root user", "Capabilities (restricted)"]);
  });

  it.each(trees.filter((t) => t.config.render.mode === "manifests").map((t) => t.name))("%s", (name) => {
    const tree = trees.find((t) => t.name === name)!;
    const pods = tree.objects.flatMap((r) => podSpecsOf(r.object).map((pod) => ({ path: r.path, pod })));
    expect(pods.length).toBeGreaterThan(0);
    for (const { path, pod } of pods) expect(restrictedViolations(pod), path).toEqual([]);
  });

  it("also for a worker and a service with nothing optional", () => {
    const worker = fullUnit({ port: undefined, health: undefined, ingress: undefined, autoscaling: undefined, command: undefined, args: undefined, env: {}, secrets: {}, dependencies: {} });
    for (const unit of [worker, fullUnit()]) {
      const [deployment] = kind(render([unit], manifestsConfig), "Deployment");
      expect(restrictedViolations(deployment!.spec.template.spec)).toEqual([]);
    }
  });
});

describe("probes", () => {
  it("a health path gives a startup probe, distinct from liveness, that allows a slow start before liveness runs", () => {
    const container = kind(render([fullUnit()], manifestsConfig), "Deployment")[0]!.spec.template.spec.containers[0];
    const get = { httpGet: { path: "/healthz", port: 8080 } };
    expect(container.startupProbe).toEqual({ ...get, periodSeconds: 5, failureThreshold: 60 });
    expect(container.livenessProbe).toMatchObject(get);
    expect(container.readinessProbe).toMatchObject(get);
    expect(container.startupProbe).not.toEqual(container.livenessProbe);
    const startupWindow = container.startupProbe.periodSeconds * container.startupProbe.failureThreshold;
    const livenessWindow = container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold;
    expect(startupWindow).toBeGreaterThanOrEqual(300);
    expect(startupWindow).toBeGreaterThan(livenessWindow);
  });

  it("a service without a health path has no probes", () => {
    const container = kind(render([fullUnit({ health: undefined })], manifestsConfig), "Deployment")[0]!.spec.template.spec.containers[0];
    expect(Object.keys(container).filter((k) => k.endsWith("Probe"))).toEqual([]);
  });
});

describe("ingress class and TLS from the org config", () => {
  const withIngress = (ingress: ResolvedConfig["environments"][number]["ingress"]): ResolvedConfig => ({
    ...manifestsConfig,
    environments: manifestsConfig.environments.map((env) => (env.name === "staging" ? { ...env, ingress } : env)),
  });

  it("sets ingressClassName, a TLS section for the host and cert-manager's issuer annotation", () => {
    const config = withIngress({ className: "nginx", tls: { secretName: "{owner}-{service}-{env}-tls", clusterIssuer: "letsencrypt" } });
    const ingress = kind(render([fullUnit()], config), "Ingress")[0]!;
    expect(ingress.spec.ingressClassName).toBe("nginx");
    expect(ingress.spec.tls).toEqual([{ hosts: ["api.payments.example.com"], secretName: "payments-api-staging-tls" }]);
    expect(ingress.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt");
  });

  it("defaults the TLS Secret to <service>-tls and leaves the issuer out when the config has none", () => {
    const ingress = kind(render([fullUnit()], withIngress({ tls: {} })), "Ingress")[0]!;
    expect(ingress.spec.tls).toEqual([{ hosts: ["api.payments.example.com"], secretName: "api-tls" }]);
    expect(ingress.spec).not.toHaveProperty("ingressClassName");
    expect(ingress.metadata.annotations).not.toHaveProperty("cert-manager.io/cluster-issuer");
  });

  it("renders what it did before for a config without `ingress` (backward compatible)", () => {
    const without: ResolvedConfig = { ...manifestsConfig, environments: manifestsConfig.environments.map(({ ingress: _, ...env }) => env) };
    const ingress = kind(render([fullUnit()], without), "Ingress")[0]!;
    expect(Object.keys(ingress.spec)).toEqual(["rules"]);
    expect(Object.keys(ingress.metadata.annotations)).toEqual(["paved.dev/source"]);
  });

  it("passes them to the chart in helm mode", () => {
    const config = { ...withIngress({ className: "nginx", tls: { clusterIssuer: "letsencrypt" } }), render: helmConfig.render };
    const values = render([fullUnit()], config).find((r) => r.path.endsWith("/values.yaml"))!.object;
    expect(values.ingress).toEqual({ host: "api.payments.example.com", path: "/", className: "nginx", tls: { secretName: "api-tls", clusterIssuer: "letsencrypt" } });
    const plain = render([fullUnit()], helmConfig).find((r) => r.path.endsWith("/values.yaml"))!.object;
    expect(plain.ingress).toEqual({ host: "api.payments.example.com", path: "/" });
  });

  it("is validated in the config, with the field named", async () => {
    const { loadConfig } = await import("../src/config/load.js");
    const loaded = loadConfig("environments:\n  staging:\n    cluster: https://k.example\n    ingress: { className: Nginx, tls: { issuer: x } }\n", "paved.yml");
    expect(loaded.config).toBeUndefined();
    expect(loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n")).toMatch(/className[\s\S]*issuer|issuer[\s\S]*className/);
  });
});

describe("Argo CD sync retry", () => {
  it.each([["manifests", manifestsConfig], ["helm", helmConfig]] as const)("every Application retries a failed sync with backoff (%s mode)", (_mode, config) => {
    const apps = kind(render(exampleUnits(config), config), "Application");
    expect(apps.length).toBe(3);
    for (const app of apps) expect(app.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } });
  });
});

describe("Backstage annotations", () => {
  it("link the component to its repository (source location, project slug) and to its Argo CD Application", () => {
    const objects = render(exampleUnits(), manifestsConfig);
    const api = kind(objects, "Component").find((c) => c.metadata.name === "api")!;
    expect(api.metadata.annotations).toEqual({
      "argocd/app-name": "payments.api.production",
      "backstage.io/source-location": "url:https://github.com/acme/payments/tree/HEAD/",
      "github.com/project-slug": "acme/payments",
      "paved.dev/source": "acme/payments",
    });
    // A worker deployed only to staging names its staging Application.
    const worker = kind(objects, "Component").find((c) => c.metadata.name === "worker")!;
    expect(worker.metadata.annotations["argocd/app-name"]).toBe("payments.worker.staging");
  });

  it.each(trees.map((t) => t.name))("every argocd/app-name names an Application of the rendered tree: %s", (name) => {
    const tree = trees.find((t) => t.name === name)!;
    const applications = new Set(kind(tree.objects, "Application").map((a) => a.metadata.name));
    const components = kind(tree.objects, "Component");
    expect(components.length).toBeGreaterThan(0);
    for (const component of components) expect(applications, component.metadata.name).toContain(component.metadata.annotations["argocd/app-name"]);
  });

  it("takes the source host from the GitOps repository's URL (GitHub Enterprise Server)", () => {
    const result = renderUnits(exampleUnits(), manifestsConfig, SOURCE, defaultTemplates(), { gitopsRepoURL: "https://github.acme.internal/acme/gitops.git" });
    const [, text] = [...result.files].find(([path]) => path.startsWith("catalog/"))!;
    expect(text).toContain('backstage.io/source-location: "url:https://github.acme.internal/acme/payments/tree/HEAD/"');
  });
});

describe("each default is the built-in templates', so an org's templates override it", () => {
  const dir = mkdtempSync(join(tmpdir(), "paved-org-templates-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("an org deployment template that runs as a fixed user replaces the built-in security context", () => {
    const builtin = readFileSync(new URL("../templates/deployment.yaml.hbs", import.meta.url), "utf8");
    expect(builtin).toContain("      securityContext:\n        runAsNonRoot: true\n");
    writeFileSync(join(dir, "deployment.yaml.hbs"), builtin.replace("      securityContext:\n        runAsNonRoot: true\n", "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n"));
    const pod = kind(render([fullUnit()], manifestsConfig, loadTemplateSet(dir)), "Deployment")[0]!.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
    expect(restrictedViolations(pod)).toEqual([]);
  });
});
