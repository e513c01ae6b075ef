/**
 * Every name Paved derives from a unit must fit where Kubernetes, Argo CD, Helm, Crossplane and
 * Backstage put it. Checked at validate time (so a valid manifest renders) and again by the
 * renderer with the same function (so the two cannot disagree). A name that does not fit is
 * reported once per service (or dependency) at its key, for its tightest environment, with the
 * parts the manifest controls and how many characters they may have together.
 */
import type { ResolvedConfig } from "../config/types.js";
import {
  applicationName,
  claimName,
  connectionSecretName,
  MAX_APPLICATION_NAME,
  MAX_CLAIM_NAME,
  MAX_LABEL,
  MAX_OBJECT_NAME,
  MAX_RELEASE_NAME,
  releaseName,
  secretsName,
} from "../core/names.js";
import { pointer } from "../core/pointer.js";
import type { Unit } from "../core/unit.js";
import { fillPattern, servicePath } from "./resolve.js";
import type { RuleFinding } from "./rules.js";

/** One derived name and what bounds it. */
export interface DerivedName {
  /** What the name is, in words: "Argo CD Application name". */
  what: string;
  name: string;
  max: number;
  /** Why the limit: "it is also the app.kubernetes.io/instance label". */
  why: string;
  /** The parts the manifest controls, in the order they appear. */
  parts: Array<{ label: string; value: string }>;
  /** Where to point: the service key, or the dependency's. */
  path: string;
}

export function derivedNames(unit: Unit, config: ResolvedConfig): DerivedName[] {
  const mode = config.render.mode;
  const owner = { label: "owner", value: unit.owner };
  const service = { label: "service", value: unit.service };
  const at = servicePath(unit.service);
  const names: DerivedName[] = [
    {
      what: "Argo CD Application name",
      name: applicationName(unit.owner, unit.service, unit.environment),
      max: MAX_APPLICATION_NAME,
      why: "Argo CD and the `app.kubernetes.io/instance` label use it as a label value",
      parts: [owner, service],
      path: at,
    },
    { what: "Service, Deployment and Ingress name", name: unit.service, max: MAX_LABEL, why: "a Service name is a DNS-1035 label", parts: [service], path: at },
    { what: "Backstage Component name", name: unit.service, max: MAX_LABEL, why: "Backstage entity names", parts: [service], path: at },
  ];
  if (mode === "helm") {
    names.push({ what: "Helm release name", name: releaseName(unit.service), max: MAX_RELEASE_NAME, why: "Helm release names", parts: [service], path: at });
  }
  const tls = config.environments.find((env) => env.name === unit.environment)?.ingress?.tls;
  if (unit.spec.ingress && tls) {
    const pattern = tls.secretName ?? "{service}-tls";
    const name = fillPattern(pattern, { owner: unit.owner, env: unit.environment, service: unit.service });
    const parts = [owner, service].filter((part) => pattern.includes(`{${part.label}}`));
    names.push({ what: "TLS Secret name", name, max: MAX_OBJECT_NAME, why: "Kubernetes object names", parts, path: at });
  }
  if (Object.keys(unit.spec.secrets).length > 0) {
    names.push({ what: "ExternalSecret and Secret name", name: secretsName(unit.service), max: MAX_OBJECT_NAME, why: "Kubernetes object names", parts: [service], path: at });
  }
  for (const dependency of Object.keys(unit.spec.dependencies)) {
    const path = unit.origins[pointer("dependencies", dependency)] ?? at;
    const parts = [service, { label: "dependency", value: dependency }];
    names.push({
      what: "Crossplane claim and Backstage Resource name",
      name: claimName(unit.service, dependency),
      max: MAX_CLAIM_NAME,
      why: "Crossplane labels the composite resource with it, and Backstage entity names",
      parts,
      path,
    });
    names.push({ what: "connection Secret name", name: connectionSecretName(unit.service, dependency), max: MAX_OBJECT_NAME, why: "Kubernetes object names", parts, path });
  }
  return names;
}

/** The derived names of `unit` that do not fit. */
export function oversizedNames(unit: Unit, config: ResolvedConfig): DerivedName[] {
  return derivedNames(unit, config).filter((derived) => derived.name.length > derived.max);
}

/** AppProjects Argo CD itself has: a team's project by that name would replace it. */
const RESERVED_PROJECTS = ["default"];

/** One finding per (name, location): the environment with the longest name, so its budget holds everywhere. */
export function nameFindings(units: readonly Unit[], config: ResolvedConfig): RuleFinding[] {
  const reserved = units.find((unit) => RESERVED_PROJECTS.includes(unit.owner));
  const findings: RuleFinding[] = reserved
    ? [
        {
          code: "reserved-name",
          path: "/owner",
          message: `owner \`${reserved.owner}\` would write the AppProject \`${reserved.owner}\`, which is Argo CD's built-in project (the root Applications use it); a team cannot be named \`${reserved.owner}\``,
        },
      ]
    : [];
  const worst = new Map<string, { derived: DerivedName; unit: Unit }>();
  for (const unit of units) {
    for (const derived of oversizedNames(unit, config)) {
      const key = `${derived.what}\0${derived.path}`;
      const seen = worst.get(key);
      if (!seen || derived.name.length > seen.derived.name.length) worst.set(key, { derived, unit });
    }
  }
  for (const { derived, unit } of worst.values()) findings.push({ code: "name-too-long", path: derived.path, message: nameMessage(derived, unit) });
  return findings;
}

/**
 * "the Argo CD Application name `…` (in `production`) is 83 characters; at most 63 (…): owner
 * `…` (39) and service `…` (40) may have at most 51 characters together — shorten them by 32".
 */
export function nameMessage(derived: DerivedName, unit: Pick<Unit, "environment">): string {
  const used = derived.parts.reduce((sum, part) => sum + part.value.length, 0);
  const budget = derived.max - (derived.name.length - used);
  const parts = derived.parts.map((part) => `${part.label} \`${part.value}\` (${part.value.length})`);
  if (parts.length === 0) {
    return `the ${derived.what} \`${derived.name}\` (in \`${unit.environment}\`) is ${derived.name.length} characters, at most ${derived.max} are allowed (${derived.why}): the org config's pattern makes it too long`;
  }
  const which = parts.length === 1 ? `${parts[0]} may have at most ${budget} characters` : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)} may have at most ${budget} characters together`;
  return (
    `the ${derived.what} \`${derived.name}\` (in \`${unit.environment}\`) is ${derived.name.length} characters, ` +
    `at most ${derived.max} are allowed (${derived.why}): ${which}; shorten ${parts.length === 1 ? "it" : "them"} by ${derived.name.length - derived.max}`
  );
}
