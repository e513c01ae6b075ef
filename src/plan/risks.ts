// js-yaml, not `yaml`: reading plain data back needs no source positions, and js-yaml's loader is the faster one.
import { load } from "js-yaml";
import type { ResolvedConfig } from "../config/types.js";
import { getOwn } from "./records.js";
import type { UnitComparison } from "./unit-changes.js";
import type { FileChange, Risk } from "./types.js";

/**
 * What a reviewer must not miss: changes to production environments, removed services,
 * removed dependencies (their claims, and the data, go), scale to zero, host changes.
 */
/** A production risk names this many services; the tables list them all. */
const LISTED_SERVICES = 5;

export function findRisks(units: UnitComparison[], environments: string[], config: ResolvedConfig): Risk[] {
  const risks: Risk[] = [];
  const production = new Set(config.environments.filter((e) => e.production).map((e) => e.name));
  for (const environment of environments) {
    if (!production.has(environment)) continue;
    const changed = units.filter((u) => u.change.environment === environment && u.change.action !== "unchanged");
    const names = changed.slice(0, LISTED_SERVICES).map((u) => `${u.change.service} (${u.change.action})`);
    if (changed.length > LISTED_SERVICES) names.push(`and ${changed.length - LISTED_SERVICES} more`);
    risks.push({ kind: "production", environment, message: `${environment} is a production environment; this changes ${names.join(", ") || "its shared files"}` });
  }
  for (const { change, before, after } of units) {
    const { environment, service } = change;
    if (change.action === "delete") {
      risks.push({ kind: "deletion", environment, service, message: `${service} is removed from ${environment}: its workload and files are deleted` });
    }
    for (const name of Object.keys(before?.dependencies ?? {})) {
      if (after && getOwn(after.dependencies, name) !== undefined) continue;
      risks.push({
        kind: "dependency-removal",
        environment,
        service,
        message: `dependency ${name} (${getOwn(before!.dependencies, name)}) of ${service} is removed in ${environment}: its claim is deleted, and its data may be lost`,
      });
    }
    if (after && after.replicas === 0 && !after.autoscaling && (!before || before.replicas !== 0 || before.autoscaling)) {
      risks.push({ kind: "scale-to-zero", environment, service, message: `${service} scales to zero replicas in ${environment}` });
    }
    if (before?.host !== undefined && change.action !== "delete" && after?.host !== before.host) {
      const message =
        after?.host === undefined
          ? `${service} loses its ingress in ${environment}: ${before.host} stops answering`
          : `host of ${service} in ${environment} changes ${before.host} → ${after.host}: clients of ${before.host} stop reaching it`;
      risks.push({ kind: "host-change", environment, service, message });
    }
  }
  // Stable: within a kind, risks keep the units' (environment, service) order.
  return risks.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

const KIND_ORDER: Risk["kind"][] = ["production", "deletion", "dependency-removal", "host-change", "scale-to-zero"];

/** A built-in claim file: `<unit dir>/manifests/claim-<dependency>.yaml`. */
export function isClaimFile(path: string): boolean {
  return /\/manifests\/claim-[^/]+\.yaml$/.test(path);
}

/**
 * A claim whose name changes (the naming scheme of an upgrade, or an org template) is, to
 * Crossplane, one claim deleted and another created: its database goes unless the composition
 * orphans it. The plan fetches changed claim files (see needed.ts), so both names are known.
 */
export function claimRenameRisks(changes: readonly FileChange[]): Risk[] {
  const risks: Risk[] = [];
  for (const change of changes) {
    if (change.action !== "update" || !change.unit || !isClaimFile(change.path)) continue;
    const before = objectName(change.before);
    const after = objectName(change.after);
    if (before === undefined || after === undefined || before === after) continue;
    const { environment, service } = change.unit;
    risks.push({
      kind: "claim-rename",
      environment,
      service,
      message: `the claim ${before} of ${service} in ${environment} is renamed ${after}: Crossplane deletes ${before} and creates ${after}, so its data is lost unless the composition's deletionPolicy is Orphan`,
    });
  }
  return risks;
}

function objectName(content: string | undefined): string | undefined {
  if (content === undefined) return undefined;
  try {
    const name = (load(content) as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}
