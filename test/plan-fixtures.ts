/**
 * Plain-data fixtures for plan, report and local-apply tests: units, a stand-in renderer (the
 * same layout and `paved.dev/source` annotation as the real one), and trees made from file sets.
 */
import { DEFAULT_CONFIG } from "../src/config/defaults.js";
import type { ResolvedConfig } from "../src/config/types.js";
import type { RenderResult, RenderedUnit, Source } from "../src/core/files.js";
import type { ResolvedService, Unit } from "../src/core/unit.js";
import { gitBlobSha } from "../src/plan/blob-sha.js";
import { buildIndex } from "../src/plan/ownership-index.js";
import { joinPath } from "../src/plan/paths.js";
import type { DesiredInput, Tree } from "../src/plan/types.js";

export const CONFIG: ResolvedConfig = {
  ...DEFAULT_CONFIG,
  environments: [
    { ...DEFAULT_CONFIG.environments[0]!, name: "dev", production: false },
    ...DEFAULT_CONFIG.environments,
  ],
  links: { logs: "https://grafana.example/explore?service={service}&env={env}" },
};

export const SOURCE: Source = { repository: "acme/payments", sha: "0123456789abcdef0123456789abcdef01234567" };

export function service(overrides: Partial<ResolvedService> = {}): ResolvedService {
  return {
    image: "ghcr.io/acme/api:1.4.1",
    replicas: 2,
    cpu: "100m",
    memory: "128Mi",
    env: {},
    secrets: {},
    dependencies: {},
    ...overrides,
  };
}

export function unit(name: string, environment: string, spec: ResolvedService = service(), owner = "payments"): Unit {
  return {
    owner,
    lifecycle: "production",
    service: name,
    environment,
    namespace: `${owner}-${environment}`,
    cluster: "https://kubernetes.default.svc",
    spec,
    origins: {},
  };
}

/** Every service in every environment of the config. */
export function units(names: string[], spec: (name: string, environment: string) => ResolvedService = () => service(), owner = "payments"): Unit[] {
  return CONFIG.environments.flatMap((e) => names.map((n) => unit(n, e.name, spec(n, e.name), owner)));
}

/** A stand-in for the renderer: deterministic files per unit, a catalog entry per service, a project per owner. */
export function fakeRender(list: Unit[], source: Source = SOURCE, config: ResolvedConfig = CONFIG): RenderResult {
  const files = new Map<string, string>();
  const rendered: RenderedUnit[] = [];
  const owned: string[] = [];
  const shared: string[] = [];
  for (const u of list) {
    const dir = joinPath(config.gitops.directory, u.environment, u.namespace, u.service);
    const header = `# paved.dev/source: ${source.repository}\nmetadata:\n  annotations:\n    paved.dev/source: ${source.repository}\n`;
    const paths: string[] = [];
    const add = (path: string, body: string): void => {
      files.set(path, header + body);
      paths.push(path);
    };
    add(`${dir}/application.yaml`, `kind: Application\nname: ${u.service}-${u.environment}\n`);
    add(
      `${dir}/manifests/deployment.yaml`,
      `kind: Deployment\nimage: ${u.spec.image}\nreplicas: ${u.spec.replicas}\ncpu: ${u.spec.cpu}\nmemory: ${u.spec.memory}\n` +
        Object.entries(u.spec.env)
          .map(([k, v]) => `env ${k}: ${JSON.stringify(v)}\n`)
          .join(""),
    );
    if (u.spec.autoscaling) add(`${dir}/manifests/hpa.yaml`, `kind: HorizontalPodAutoscaler\nmin: ${u.spec.autoscaling.min}\nmax: ${u.spec.autoscaling.max}\n`);
    if (u.spec.ingress) add(`${dir}/manifests/ingress.yaml`, `kind: Ingress\nhost: ${u.spec.ingress.host}\npath: ${u.spec.ingress.path}\n`);
    rendered.push({ environment: u.environment, service: u.service, namespace: u.namespace, dir, paths });
    owned.push(...paths);
    const catalog = joinPath(config.gitops.directory, "catalog", u.owner, `${u.service}.yaml`);
    if (!files.has(catalog)) {
      files.set(catalog, `${header}kind: Component\nname: ${u.service}\n`);
      owned.push(catalog);
    }
    const project = joinPath(config.gitops.directory, "projects", `${u.owner}.yaml`);
    if (!files.has(project)) {
      files.set(project, `kind: AppProject\nname: ${u.owner}\n`);
      shared.push(project);
    }
  }
  return { files, units: rendered, owned, shared, diagnostics: [] };
}

export function desired(list: Unit[], source: Source = SOURCE, config: ResolvedConfig = CONFIG): DesiredInput {
  const rendered = fakeRender(list, source, config);
  return { units: list, rendered, diagnostics: [], index: buildIndex(list, rendered, source, config) };
}

/** The files a GitOps repository holds after applying `input`: rendered files plus the index. */
export function filesOf(input: DesiredInput): Map<string, string> {
  const files = new Map(input.rendered.files);
  if (input.index) files.set(input.index.path, input.index.content);
  return files;
}

export function treeOf(files: ReadonlyMap<string, string>): Tree {
  return new Map([...files].map(([path, content]) => [path, gitBlobSha(content)]));
}
