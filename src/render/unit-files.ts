/**
 * Which templates render for a unit, and into which file of its directory. The rules of what a
 * service gets (a Service only with a port, an HPA only with autoscaling…) live here, in code,
 * so templates stay plain object shapes.
 */
import type { Unit } from "../core/unit.js";
import { sortedDependencyNames, type DependencyView, type UnitView } from "./view-model.js";

/** The built-in template names; any other template in a set is an org template rendered per unit. */
export const BUILTIN_TEMPLATES = [
  "application",
  "application-helm",
  "deployment",
  "service",
  "ingress",
  "hpa",
  "pdb",
  "externalsecret",
  "claim",
  "values",
  "appproject",
  "catalog-component",
  "catalog-resource",
] as const;

const BUILTIN = new Set<string>(BUILTIN_TEMPLATES);

export function isBuiltinTemplate(name: string): boolean {
  return BUILTIN.has(name);
}

export interface PlannedFile {
  template: string;
  /** Path segments inside the unit directory. */
  segments: string[];
  view: UnitView;
  kind: "objects" | "values";
  /** An org template may render nothing for a unit. */
  allowEmpty: boolean;
}

/**
 * A PodDisruptionBudget only helps when more than one pod runs: with autoscaling the floor is
 * `min`, else `replicas`. It uses `maxUnavailable: 1`, which never blocks a drain even if the
 * HPA later runs a single pod.
 */
export function needsDisruptionBudget(unit: Unit): boolean {
  const floor = unit.spec.autoscaling ? unit.spec.autoscaling.min : unit.spec.replicas;
  return floor > 1;
}

/** The unit's files other than application.yaml, which is rendered last (it depends on what else exists). */
export function plannedFiles(unit: Unit, view: UnitView, mode: "manifests" | "helm", orgTemplates: readonly string[]): PlannedFile[] {
  const file = (template: string, segments: string[], kind: PlannedFile["kind"] = "objects"): PlannedFile => ({
    template,
    segments,
    view,
    kind,
    allowEmpty: false,
  });
  const files: PlannedFile[] = [];
  if (mode === "helm") {
    files.push(file("values", ["values.yaml"], "values"));
  } else {
    const spec = unit.spec;
    files.push(file("deployment", ["manifests", "deployment.yaml"]));
    if (spec.port !== undefined) files.push(file("service", ["manifests", "service.yaml"]));
    if (spec.port !== undefined && spec.ingress) files.push(file("ingress", ["manifests", "ingress.yaml"]));
    if (spec.autoscaling) files.push(file("hpa", ["manifests", "hpa.yaml"]));
    if (needsDisruptionBudget(unit)) files.push(file("pdb", ["manifests", "pdb.yaml"]));
    if (Object.keys(spec.secrets).length > 0) files.push(file("externalsecret", ["manifests", "externalsecret.yaml"]));
    // A dependency type missing from the catalog has no claim kind (reported by the caller).
    sortedDependencyNames(unit).forEach((name, index) => {
      const dependency = view.service.dependencies[index]!;
      if (dependency.apiVersion !== null) files.push(claimFile(name, view, dependency));
    });
  }
  for (const name of orgTemplates) {
    files.push({ ...file(name, ["manifests", `${name}.yaml`]), allowEmpty: true });
  }
  return files;
}

function claimFile(name: string, view: UnitView, dependency: DependencyView): PlannedFile {
  return {
    template: "claim",
    segments: ["manifests", `claim-${name}.yaml`],
    view: { ...view, dependency },
    kind: "objects",
    allowEmpty: false,
  };
}
