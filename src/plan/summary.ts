import { parseImageReference } from "../core/image-ref.js";
import { getOwn } from "./records.js";
import type { UnitState } from "./unit-state.js";

/**
 * Plan summaries in words, one line per changed field: "replicas 2 → 3", "env LOG_LEVEL added".
 * Values come from the manifest (never secrets: the manifest holds only references).
 */
export function describeChanges(before: UnitState, after: UnitState): string[] {
  const lines: string[] = [];
  if (before.image !== after.image) lines.push(describeImage(before.image, after.image));
  if (before.replicas !== after.replicas) lines.push(`replicas ${before.replicas} → ${after.replicas}`);
  lines.push(...describeAutoscaling(before.autoscaling, after.autoscaling));
  if (before.cpu !== after.cpu) lines.push(`cpu ${before.cpu} → ${after.cpu}`);
  if (before.memory !== after.memory) lines.push(`memory ${before.memory} → ${after.memory}`);
  lines.push(...describeOptional("port", before.port, after.port));
  lines.push(...describeIngress(before, after));
  // Env values are digests (unit-state.ts): the diff shows the value, the summary only that it changed.
  lines.push(...describeRecord("env", before.env, after.env, (name) => `env ${name} changed`));
  lines.push(...describeRecord("secret", before.secrets, after.secrets, (name, _from, to) => `secret ${name} now from ${to}`));
  lines.push(
    ...describeRecord("dependency", before.dependencies, after.dependencies, (name, from, to) => `dependency ${name} ${from} → ${to}`, true),
  );
  return lines;
}

/** One line for a unit that appears: what it will run. */
export function describeNew(state: UnitState): string {
  const parts = [`image ${state.image}`, state.autoscaling ? `autoscaling ${scalingRange(state.autoscaling)}` : `replicas ${state.replicas}`];
  if (state.host !== undefined) parts.push(`host ${state.host}`);
  const deps = Object.keys(state.dependencies);
  if (deps.length > 0) parts.push(`dependencies ${deps.map((d) => `${d} (${getOwn(state.dependencies, d)})`).join(", ")}`);
  return `new: ${parts.join(", ")}`;
}

function describeImage(from: string, to: string): string {
  const a = parseImageReference(from);
  const b = parseImageReference(to);
  if (a.repository === b.repository) {
    if (a.digest !== undefined && b.digest !== undefined && a.tag === b.tag) {
      return `image digest ${shortDigest(a.digest)} → ${shortDigest(b.digest)}`;
    }
    if (a.digest === undefined && b.digest === undefined && a.tag !== undefined && b.tag !== undefined) {
      return `image tag ${a.tag} → ${b.tag}`;
    }
  }
  return `image ${from} → ${to}`;
}

function shortDigest(digest: string): string {
  const [algorithm, hex = ""] = digest.split(":");
  return `${algorithm}:${hex.slice(0, 12)}`;
}

function scalingRange(s: { min: number; max: number }): string {
  return `${s.min}–${s.max}`;
}

function describeAutoscaling(before: UnitState["autoscaling"], after: UnitState["autoscaling"]): string[] {
  if (!before && !after) return [];
  if (!before) return [`autoscaling added (${scalingRange(after!)}, cpu ${after!.cpu}%)`];
  if (!after) return [`autoscaling removed (was ${scalingRange(before)})`];
  const lines: string[] = [];
  if (before.min !== after.min || before.max !== after.max) lines.push(`autoscaling ${scalingRange(before)} → ${scalingRange(after)}`);
  if (before.cpu !== after.cpu) lines.push(`autoscaling cpu target ${before.cpu}% → ${after.cpu}%`);
  return lines;
}

function describeOptional(label: string, before: string | number | undefined, after: string | number | undefined): string[] {
  if (before === after) return [];
  if (before === undefined) return [`${label} ${after} added`];
  if (after === undefined) return [`${label} ${before} removed`];
  return [`${label} ${before} → ${after}`];
}

function describeIngress(before: UnitState, after: UnitState): string[] {
  if (before.host === undefined && after.host === undefined) return [];
  if (before.host === undefined) return [`ingress added (host ${after.host}${pathSuffix(after.path)})`];
  if (after.host === undefined) return [`ingress removed (host ${before.host}${pathSuffix(before.path)})`];
  const lines: string[] = [];
  if (before.host !== after.host) lines.push(`host ${before.host} → ${after.host}`);
  if (before.path !== after.path) lines.push(`ingress path ${before.path ?? "/"} → ${after.path ?? "/"}`);
  return lines;
}

function pathSuffix(path: string | undefined): string {
  return path && path !== "/" ? `, path ${path}` : "";
}

function describeRecord(
  label: string,
  before: Record<string, string>,
  after: Record<string, string>,
  changed: (name: string, from: string, to: string) => string,
  showValue = false,
): string[] {
  const lines: string[] = [];
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const name of names) {
    const from = getOwn(before, name);
    const to = getOwn(after, name);
    if (from === to) continue;
    if (from === undefined) lines.push(`${label} ${name} added${showValue ? ` (${to})` : ""}`);
    else if (to === undefined) lines.push(`${label} ${name} removed${showValue ? ` (${from})` : ""}`);
    else lines.push(changed(name, from, to));
  }
  return lines;
}
