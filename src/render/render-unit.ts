/** One unit (service × environment) → its directory: application.yaml plus manifests/ or values.yaml. */
import type { RenderedUnit } from "../core/files.js";
import { pointer } from "../core/pointer.js";
import type { Unit } from "../core/unit.js";
import { originOf } from "../manifest/resolve.js";
import { addFile, type RenderContext } from "./render-context.js";
import { templateFinding, unitFinding } from "./findings.js";
import { unitDir, unitFile } from "./layout.js";
import { nameMessage, oversizedNames } from "../manifest/name-rules.js";
import { ingressClaim } from "./ingress-claims.js";
import { objectsClash } from "./object-identity.js";
import { plannedFiles } from "./unit-files.js";
import { buildUnitView, type UnitView } from "./view-model.js";

export function renderUnit(unit: Unit, ctx: RenderContext): RenderedUnit | null {
  const { config } = ctx;
  const subject = `${unit.environment}/${unit.service}`;
  const place = unitDir(config.gitops.directory, unit);
  if ("unsafe" in place) {
    ctx.findings.add(
      unitFinding(config.manifest, unit, "", "render-unsafe-path", `${JSON.stringify(place.unsafe)} cannot be a path segment in the GitOps repository; ${subject} is not rendered`),
    );
    return null;
  }
  // The manifest check refuses these with located errors; the same function decides here.
  const tooLong = oversizedNames(unit, config)[0];
  if (tooLong) {
    ctx.findings.add(unitFinding(config.manifest, unit, "", "render-name-too-long", nameMessage(tooLong, unit)));
    return null;
  }
  const dir = place.path;
  const environment = config.environments.find((env) => env.name === unit.environment);
  const view = buildUnitView(unit, { dir, autoSync: environment?.autoSync ?? false, extraManifests: false }, ctx.shared, config);
  const paths: string[] = [];
  let extraManifests = false;

  reportUnknownDependencyTypes(unit, ctx);
  for (const planned of plannedFiles(unit, view, config.render.mode, ctx.orgTemplates)) {
    const target = unitFile(dir, ...planned.segments);
    const templateFile = ctx.runner.fileOf(planned.template);
    if ("unsafe" in target) {
      ctx.findings.add(templateFinding(templateFile, "render-unsafe-path", `${JSON.stringify(target.unsafe)} cannot be a file name in the GitOps repository`), subject);
      continue;
    }
    const rendered = ctx.runner.run({ template: planned.template, view: planned.view, subject, kind: planned.kind, allowEmpty: planned.allowEmpty });
    if (!rendered) continue;
    if (planned.kind === "values" && !valuesAccepted(rendered.documents[0], templateFile, subject, ctx)) continue;
    if (planned.kind === "objects" && objectsClash(ctx, rendered.documents, { cluster: unit.cluster, namespace: unit.namespace }, `${target.path}`, templateFile, subject)) continue;
    if (addFile(ctx, target.path, rendered.text, templateFile, subject, { unit })) {
      paths.push(target.path);
      if (planned.allowEmpty) extraManifests = true;
    }
  }

  const application = renderApplication(ctx, unit, { ...view, extraManifests }, dir, subject);
  if (application) paths.push(application);
  const claim = claimIngress(unit, ctx);
  if (claim) paths.push(claim);
  return { environment: unit.environment, service: unit.service, namespace: unit.namespace, dir, paths: paths.sort() };
}

/** The manifest checks refuse these; should one get here, it is named rather than silently unclaimed. */
function reportUnknownDependencyTypes(unit: Unit, ctx: RenderContext): void {
  for (const [name, dependency] of Object.entries(unit.spec.dependencies)) {
    if (Object.hasOwn(ctx.config.dependencies, dependency.type)) continue;
    ctx.findings.add(
      unitFinding(
        ctx.config.manifest,
        unit,
        pointer("dependencies", name, "type"),
        "render-unknown-dependency-type",
        `dependency ${name} has type ${JSON.stringify(dependency.type)}, which the org config's dependency catalog does not list; no claim is rendered`,
      ),
    );
  }
}

/** Rendered last: in helm mode it also syncs manifests/ when org templates wrote files there. */
function renderApplication(ctx: RenderContext, unit: Unit, view: UnitView, dir: string, subject: string): string | null {
  const template = ctx.config.render.mode === "helm" ? "application-helm" : "application";
  const rendered = ctx.runner.run({ template, view, subject, kind: "objects" });
  const path = `${dir}/application.yaml`;
  const file = ctx.runner.fileOf(template);
  // Applications live beside Argo CD, not in the unit's cluster.
  if (!rendered || objectsClash(ctx, rendered.documents, { cluster: "argocd", namespace: ctx.config.argocd.namespace }, path, file, subject)) return null;
  return addFile(ctx, path, rendered.text, file, subject, { unit }) ? path : null;
}

/** The unit's ingress host + path claim (see ingress-claims.ts); refused when another unit of this manifest has it. */
function claimIngress(unit: Unit, ctx: RenderContext): string | null {
  const ingress = unit.spec.ingress;
  if (!ingress) return null;
  const claim = ingressClaim(ctx.config.gitops.directory, unit, ingress, ctx.source);
  const description = `ingress ${claim.host}${claim.route} on cluster ${unit.cluster}`;
  const field = unit.origins["/ingress/host"] !== undefined ? "/ingress/host" : "/ingress";
  if ("unsafe" in claim.target) {
    ctx.findings.add(unitFinding(ctx.config.manifest, unit, field, "render-unsafe-path", `${JSON.stringify(claim.target.unsafe)} cannot be a path segment in the GitOps repository`));
    return null;
  }
  const first = ctx.claims.get(claim.target.path);
  if (first) {
    ctx.findings.add(
      unitFinding(
        ctx.config.manifest,
        unit,
        field,
        "ingress-conflict",
        `${description} is already routed by ${first.service} in ${first.environment}: two Ingresses with one host and path on a cluster would take each other's traffic. Give ${unit.service} in ${unit.environment} another host or path (environments on one cluster need different hosts)`,
      ),
    );
    return null;
  }
  ctx.claims.set(claim.target.path, { environment: unit.environment, service: unit.service, pointer: originOf(unit, field), description, content: ctx.ownedHeader + claim.content });
  return claim.target.path;
}

function valuesAccepted(values: unknown, templateFile: string, subject: string, ctx: RenderContext): boolean {
  if (!ctx.validateValues) return true;
  const problems = ctx.validateValues(values);
  for (const problem of problems) {
    ctx.findings.add(
      templateFinding(templateFile, "render-invalid-values", `rendered ${problem}, per the chart's values.schema.json`),
      subject,
    );
  }
  return problems.length === 0;
}
