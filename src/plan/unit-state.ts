import { createHash } from "node:crypto";
import type { Unit } from "../core/unit.js";
import { getOwn, setOwn } from "./records.js";
import { SERVICE_DEFAULTS } from "../manifest/service-defaults.js";

/**
 * What a unit looks like to a person reading a plan: recorded in the ownership index so the next
 * plan can say "replicas 2 → 3" without parsing rendered Kubernetes objects. Never holds an env
 * value: a literal may be a credential someone pasted, and the index and the commit messages made
 * from these states are read far more widely than the rendered files, so env values are digests.
 */
export interface UnitState {
  image: string;
  replicas: number;
  autoscaling?: { min: number; max: number; cpu: number };
  cpu: string;
  memory: string;
  port?: number;
  host?: string;
  path?: string;
  /** NAME → `sha256:<12 hex>` of the value as written: enough to tell a change, never the value. */
  env: Record<string, string>;
  /** NAME → `<store key>` or `<store key>#<property>`. */
  secrets: Record<string, string>;
  /** name → `<type>` or `<type>/<class>`. */
  dependencies: Record<string, string>;
}


export function unitState(unit: Unit): UnitState {
  const spec = unit.spec;
  const scaling = spec.autoscaling;
  // Field order here is the order the index lists them in.
  const state: UnitState = {
    image: spec.image,
    replicas: spec.replicas,
    ...(scaling ? { autoscaling: { min: scaling.min, max: scaling.max, cpu: scaling.cpu ?? SERVICE_DEFAULTS.autoscalingCpu } } : {}),
    cpu: spec.cpu,
    memory: spec.memory,
    ...(spec.port !== undefined ? { port: spec.port } : {}),
    ...(spec.ingress ? { host: spec.ingress.host, path: spec.ingress.path } : {}),
    env: {},
    secrets: {},
    dependencies: {},
  };
  for (const name of Object.keys(spec.env).sort()) setOwn(state.env, name, envDigest(String(getOwn(spec.env, name))));
  for (const name of Object.keys(spec.secrets).sort()) {
    const ref = getOwn(spec.secrets, name)!;
    setOwn(state.secrets, name, ref.property ? `${ref.key}#${ref.property}` : ref.key);
  }
  for (const name of Object.keys(spec.dependencies).sort()) {
    const dep = getOwn(spec.dependencies, name)!;
    setOwn(state.dependencies, name, dep.class ? `${dep.type}/${dep.class}` : dep.type);
  }
  return state;
}

const DIGEST = /^sha256:[0-9a-f]{12}$/;

/**
 * An env value as the index records it. Indexes written before digests hold values: those are
 * digested on reading, so the comparison still holds and no value reaches a summary.
 */
export function envDigest(value: string): string {
  if (DIGEST.test(value)) return value;
  return `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 12)}`;
}
