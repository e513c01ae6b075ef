/**
 * Rules the schema cannot say: across fields (max ≥ min, health/ingress need a port, env
 * placeholders name a declared dependency and output) and against the org config (environments,
 * dependency catalog, domains, namespaces). They run on schema-valid input only.
 */
import { PREVIEW_ENVIRONMENT } from "../core/preview-names.js";
import type { ResolvedConfig, ResolvedEnvironment } from "../config/types.js";
import type { Severity } from "../core/diagnostic.js";
import { parsePointer, pointer, walkPointer } from "../core/pointer.js";
import type { Unit } from "../core/unit.js";
import type { PlatformManifest, Service } from "../generated/platform.js";
import { parseEnvValue } from "./placeholder.js";
import { originOf, servicePath } from "./resolve.js";
import { clip, didYouMean, listNames } from "../document/suggest.js";

/**
 * A rule's verdict about the manifest, by pointer: a core Finding (core/diagnostic.ts) whose
 * document is the manifest being checked; check.ts names it and locates it once, with the source map.
 */
export interface RuleFinding {
  code: string;
  path: string;
  message: string;
  severity?: Severity;
}

/** A service as the rules see it: the base as written, or base ⊕ override in one environment. */
export interface ServiceView {
  name: string;
  /** Undefined for the base service. */
  environment?: ResolvedEnvironment;
  service: Service;
  /** The manifest pointer of a field of this service (or of where it would be written). */
  locate(field: string): string;
}

function isOverridePath(path: string): boolean {
  return path.startsWith("/environments/");
}

/** Of the fields involved in a problem, the location to point at: one the override wrote, if any. */
function blame(view: ServiceView, fields: string[]): string {
  const located = fields.map((field) => view.locate(field));
  return located.find(isOverridePath) ?? located[0]!;
}

/** Base-service view: pointers straight into `services.<name>`. */
export function baseView(name: string, service: Service): ServiceView {
  const root = servicePath(name);
  return {
    name,
    service,
    locate(field) {
      // Nearest field that exists in the base, else the service key.
      const found = walkPointer(service, field).length;
      return root + pointer(...parsePointer(field).slice(0, found));
    },
  };
}

// ── Manifest-level rules ────────────────────────────────────────────────────────────────────

/** Overrides for environments the org does not have. */
export function unknownEnvironments(manifest: PlatformManifest, config: ResolvedConfig): RuleFinding[] {
  // `environments.preview` overrides services in previews (src/previews/), when the org has them.
  const known = [...config.environments.map((e) => e.name), ...(config.previews ? [PREVIEW_ENVIRONMENT] : [])];
  return Object.keys(manifest.environments ?? {})
    .filter((name) => !known.includes(name))
    .map((name) => ({
      code: "unknown-environment",
      path: pointer("environments", name),
      message:
        `environment \`${name}\` is not configured for this organisation` +
        (didYouMean(name, known) || `; the environments are ${listNames(known)}`),
    }));
}

/** Overrides for services that the manifest does not declare. */
export function unknownServices(manifest: PlatformManifest): RuleFinding[] {
  const declared = Object.keys(manifest.services);
  const findings: RuleFinding[] = [];
  for (const [environment, body] of Object.entries(manifest.environments ?? {})) {
    for (const name of Object.keys(body.services ?? {})) {
      if (declared.includes(name)) continue;
      findings.push({
        code: "unknown-service",
        path: pointer("environments", environment, "services", name),
        message:
          `environment \`${environment}\` overrides service \`${name}\`, which is not declared under \`services\`` +
          (didYouMean(name, declared) || `; the services are ${listNames(declared)}`),
      });
    }
  }
  return findings;
}

// ── Service-level rules (base and each resolved unit) ─────────────────────────────────────────

export function serviceRules(view: ServiceView, config: ResolvedConfig): RuleFinding[] {
  return [
    ...autoscalingRange(view),
    ...needsPort(view, "health", "health-needs-port", "health checks probe an HTTP port"),
    ...needsPort(view, "ingress", "ingress-needs-port", "an ingress routes HTTP traffic to a port"),
    ...dependencyCatalog(view, config),
    ...envPlaceholders(view, config),
    ...envSecretClash(view),
    ...ingressHost(view),
  ];
}

/** `env` and `secrets` both become container environment variables: one name, one variable. */
function envSecretClash(view: ServiceView): RuleFinding[] {
  const env = view.service.env ?? {};
  return Object.keys(view.service.secrets ?? {})
    .filter((name) => Object.prototype.hasOwnProperty.call(env, name))
    .map((name) => {
      const token = pointer(name).slice(1);
      return {
        code: "duplicate-env",
        path: blame(view, [`/secrets/${token}`, `/env/${token}`]),
        message: `\`${name}\` is set under both \`env\` and \`secrets\`, and a container has one variable of that name; keep one of them`,
      };
    });
}

function autoscalingRange(view: ServiceView): RuleFinding[] {
  const scaling = view.service.autoscaling;
  if (!scaling || typeof scaling.min !== "number" || typeof scaling.max !== "number") return [];
  if (scaling.max >= scaling.min) return [];
  return [
    {
      code: "autoscaling-range",
      path: blame(view, ["/autoscaling/max", "/autoscaling/min"]),
      message: `\`autoscaling.max\` (${scaling.max}) must be at least \`autoscaling.min\` (${scaling.min})`,
    },
  ];
}

function needsPort(view: ServiceView, field: "health" | "ingress", code: string, why: string): RuleFinding[] {
  if (view.service[field] === undefined || view.service.port !== undefined) return [];
  return [
    {
      code,
      path: blame(view, [`/${field}`, "/port"]),
      message: `\`${field}\` needs a \`port\` (${why}); add \`port:\` with the port your server listens on, or remove \`${field}\``,
    },
  ];
}

function dependencyCatalog(view: ServiceView, config: ResolvedConfig): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const catalog = Object.keys(config.dependencies);
  for (const [name, dependency] of Object.entries(view.service.dependencies ?? {})) {
    const type = Object.prototype.hasOwnProperty.call(config.dependencies, dependency.type)
      ? config.dependencies[dependency.type]
      : undefined;
    if (!type) {
      findings.push({
        code: "unknown-dependency-type",
        path: view.locate(`/dependencies/${pointer(name).slice(1)}/type`),
        message:
          `dependency type \`${dependency.type}\` is not in the org's catalog` +
          (catalog.length === 0
            ? "; the org config declares no dependency types"
            : didYouMean(dependency.type, catalog) || `; the types are ${listNames(catalog)}`),
      });
      continue;
    }
    findings.push(...governedParams(view, name, dependency.params ?? {}, dependency.type, type.params));
    if (dependency.class !== undefined && !type.classes.includes(dependency.class)) {
      findings.push({
        code: "unknown-dependency-class",
        path: blame(view, [`/dependencies/${pointer(name).slice(1)}/class`, `/dependencies/${pointer(name).slice(1)}/type`]),
        message:
          `class \`${dependency.class}\` is not allowed for \`${dependency.type}\`` +
          (type.classes.length === 0
            ? `; \`${dependency.type}\` takes no class: remove \`class\``
            : didYouMean(dependency.class, type.classes) || `; the classes are ${listNames(type.classes)}`),
      });
    }
  }
  return findings;
}

/**
 * `params` reach the claim beside `class`: a parameter must never set what the catalog governs
 * (the class, checked against its allow-list, in any spelling), and when the catalog lists the
 * parameters it accepts, only those.
 */
function governedParams(view: ServiceView, name: string, params: Record<string, unknown>, type: string, allowed: string[] | null): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const key of Object.keys(params)) {
    const path = view.locate(`/dependencies/${pointer(name).slice(1)}/params/${pointer(key).slice(1)}`);
    if (key.toLowerCase() === "class") {
      findings.push({ code: "dependency-param-governed", path, message: `\`params.${key}\` would set the claim's class past the catalog's allow-list: write \`class\` beside \`type\` instead` });
    } else if (allowed !== null && !allowed.includes(key)) {
      findings.push({
        code: "unknown-dependency-param",
        path,
        message: `\`${type}\` does not take the parameter \`${key}\`` + (allowed.length === 0 ? "; it takes none: remove `params`" : didYouMean(key, allowed) || `; it takes ${listNames(allowed)}`),
      });
    }
  }
  return findings;
}

function envPlaceholders(view: ServiceView, config: ResolvedConfig): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const dependencies = view.service.dependencies ?? {};
  const declared = Object.keys(dependencies);
  for (const [name, value] of Object.entries(view.service.env ?? {})) {
    const field = `/env/${pointer(name).slice(1)}`;
    const parsed = parseEnvValue(value);
    if (parsed.kind === "embedded") {
      findings.push({
        code: "placeholder-in-string",
        path: view.locate(field),
        message:
          `\`env.${name}\` has \`${clip(parsed.placeholder)}\` inside a longer string; a placeholder must be the whole value ` +
          "(build the string in your application), and `$${` writes a literal `${`",
      });
    } else if (parsed.kind === "unsupported") {
      findings.push({
        code: "unknown-placeholder",
        path: view.locate(field),
        message: `\`${clip(parsed.placeholder)}\` is not a placeholder Paved knows; write \`\${dependencies.<name>.<output>}\`, or \`$\${\` for a literal \`\${\``,
      });
    } else if (parsed.kind === "dependency") {
      const dependency = Object.prototype.hasOwnProperty.call(dependencies, parsed.dependency)
        ? dependencies[parsed.dependency]
        : undefined;
      if (!dependency) {
        findings.push({
          code: "unknown-dependency",
          path: blame(view, [field, `/dependencies/${pointer(parsed.dependency).slice(1)}`]),
          message:
            `\`env.${name}\` reads dependency \`${clip(parsed.dependency)}\`, which this service does not declare under \`dependencies\`` +
            (didYouMean(parsed.dependency, declared) || (declared.length ? `; declared: ${listNames(declared)}` : "")),
        });
        continue;
      }
      const type = Object.prototype.hasOwnProperty.call(config.dependencies, dependency.type)
        ? config.dependencies[dependency.type]
        : undefined;
      if (!type || type.outputs.includes(parsed.output)) continue; // an unknown type is reported on its own
      const dependencyField = `/dependencies/${pointer(parsed.dependency).slice(1)}/type`;
      findings.push({
        code: "unknown-output",
        path: blame(view, [field, dependencyField]),
        message:
          `\`env.${name}\` reads output \`${clip(parsed.output)}\` of dependency \`${parsed.dependency}\`, but \`${dependency.type}\` has no such output` +
          (type.outputs.length ? `; its outputs are ${listNames(type.outputs)}` : `; \`${dependency.type}\` declares no outputs`) +
          didYouMean(parsed.output, type.outputs).replace(/^; /, " — "),
      });
    }
  }
  return findings;
}

function ingressHost(view: ServiceView): RuleFinding[] {
  const environment = view.environment;
  const ingress = view.service.ingress;
  if (!environment || !ingress || ingress.host !== undefined || environment.domain) return [];
  return [
    {
      code: "ingress-needs-host",
      path: blame(view, ["/ingress"]),
      message:
        `\`ingress\` has no \`host\`, and this environment has no \`domain\` in the org config to make one; ` +
        `set \`ingress.host\` (for this environment under \`environments.${environment.name}.services.${view.name}.ingress\`)`,
    },
  ];
}

// ── Unit-level config rules ───────────────────────────────────────────────────────────────────

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Namespaces of the cluster and of Argo CD: a team that could deploy there could escape its fence. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** The resolved namespace must be a Kubernetes namespace name, and not one the platform itself uses. */
export function namespaceRule(unit: Unit, pattern: string, argocdNamespace: string): RuleFinding[] {
  const namespace = unit.namespace;
  if (namespace === argocdNamespace || RESERVED_NAMESPACES.includes(namespace) || namespace.startsWith("kube-")) {
    return [
      {
        code: "reserved-namespace",
        path: "/owner",
        message: `owner \`${unit.owner}\` would deploy \`${unit.environment}\` into the namespace \`${namespace}\` (pattern \`${pattern}\`), which belongs to ${namespace === argocdNamespace ? "Argo CD: its Applications there could leave the team's project" : "the cluster itself"}; a team cannot be named so that its namespace is one of ${[argocdNamespace, ...RESERVED_NAMESPACES].map((n) => `\`${n}\``).join(", ")} or starts with \`kube-\``,
      },
    ];
  }
  const valid = namespace.length <= 63 && DNS_1123_LABEL.test(namespace);
  if (valid) return [];
  const why =
    namespace.length > 63
      ? `it is ${namespace.length} characters long, at most 63 are allowed`
      : "a namespace is lowercase letters, digits and hyphens, starting and ending with a letter or digit";
  return [
    {
      code: "invalid-namespace",
      // The part the manifest controls: patterns are made of `{owner}`, `{env}` and fixed text.
      path: "/owner",
      message: `the namespace \`${namespace}\` (environment \`${unit.environment}\`, pattern \`${pattern}\`) is not a valid Kubernetes namespace: ${why}`,
    },
  ];
}

/**
 * Secret-store keys are scoped per team: each must start with the org's `secretStore.keyPrefix`
 * for this unit (default `{owner}/`), with no `.`, `..` or empty segment to step out of it, so a
 * manifest cannot reference another team's secrets.
 */
export function secretKeyScope(unit: Unit, keyPrefix: string): RuleFinding[] {
  if (keyPrefix === "") return [];
  const prefix = keyPrefix.replaceAll("{owner}", unit.owner).replaceAll("{env}", unit.environment).replaceAll("{service}", unit.service);
  const findings: RuleFinding[] = [];
  for (const [name, ref] of Object.entries(unit.spec.secrets)) {
    const field = `/secrets/${pointer(name).slice(1)}`;
    const path = originOf(unit, `${field}/key`);
    const segments = ref.key.split("/");
    if (!ref.key.startsWith(prefix)) {
      findings.push({
        code: "secret-key-scope",
        path,
        message: `secret \`${name}\` reads \`${clip(ref.key)}\`, outside this team's keys: in \`${unit.environment}\` keys start with \`${prefix}\` (the org's secretStore.keyPrefix \`${keyPrefix}\`)`,
      });
    } else if (segments.some((s, i) => s === "." || s === ".." || (s === "" && i < segments.length - 1))) {
      findings.push({ code: "secret-key-scope", path, message: `secret \`${name}\` reads \`${clip(ref.key)}\`: a key has no \`.\`, \`..\` or empty segments` });
    }
  }
  return findings;
}
