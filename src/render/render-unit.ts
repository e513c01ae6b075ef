/** One unit (service × environment) → its directory: application.yaml plus manifests/ or values.yaml. */
import type { RenderedUnit } from "../core/files.js";
import { pointer } from "../core/pointer.js";
import type { Unit } from "../core/unit.js";
import { addFile, type RenderContext } from "./context.js";
import { templateDiagnostic, unitDiagnostic } from "./diagnostics.js";
import { unitDir, unitFile } from "./layout.js";
import { nameMessage, oversizedNames } from "../manifest/name-rules.js";
import { plannedFiles } from "./unit-files.js";
import { buildUnitView, type UnitView } from "./view-model.js";

export function renderUnit(unit: Unit, ctx: RenderContext): RenderedUnit | null {
  const { config } = ctx;
  const subject = `${unit.environment}/${unit.service}`;
  const place = unitDir(config.gitops.directory, unit);
  if ("unsafe" in place) {
    ctx.diagnostics.add(
      unitDiagnostic(config.manifest, unit, "", "render-unsafe-path", `${JSON.stringify(place.unsafe)} cannot be a path segment in the GitOps repository; ${subject} is not rendered`),
    );
    return null;
  }
  // The manifest check refuses these with located errors; the same function decides here.
  const tooLong = oversizedNames(unit, config.render.mode)[0];
  if (tooLong) {
    ctx.diagnostics.add(unitDiagnostic(config.manifest, unit, "", "render-name-too-long", nameMessage(tooLong, unit)));
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
      ctx.diagnostics.add(templateDiagnostic(templateFile, "render-unsafe-path", `${JSON.stringify(target.unsafe)} cannot be a file name in the GitOps repository`), subject);
      continue;
    }
    const rendered = ctx.runner.run({ template: planned.template, view: planned.view, subject, kind: planned.kind, allowEmpty: planned.allowEmpty });
    if (!rendered) continue;
    if (planned.kind === "values" && !valuesAccepted(rendered.documents[0], templateFile, subject, ctx)) continue;
    if (addFile(ctx, target.path, rendered.text, templateFile, subject)) {
      paths.push(target.path);
      if (planned.allowEmpty) extraManifests = true;
    }
  }

  const application = renderApplication(ctx, { ...view, extraManifests }, dir, subject);
  if (application) paths.push(application);
  return { environment: unit.environment, service: unit.service, namespace: unit.namespace, dir, paths: paths.sort() };
}

/** The manifest checks refuse these; should one get here, it is named rather than silently unclaimed. */
function reportUnknownDependencyTypes(unit: Unit, ctx: RenderContext): void {
  for (const [name, dependency] of Object.entries(unit.spec.dependencies)) {
    if (Object.hasOwn(ctx.config.dependencies, dependency.type)) continue;
    ctx.diagnostics.add(
      unitDiagnostic(
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
function renderApplication(ctx: RenderContext, view: UnitView, dir: string, subject: string): string | null {
  const template = ctx.config.render.mode === "helm" ? "application-helm" : "application";
  const rendered = ctx.runner.run({ template, view, subject, kind: "objects" });
  const path = `${dir}/application.yaml`;
  return rendered && addFile(ctx, path, rendered.text, ctx.runner.fileOf(template), subject) ? path : null;
}

function valuesAccepted(values: unknown, templateFile: string, subject: string, ctx: RenderContext): boolean {
  if (!ctx.validateValues) return true;
  const problems = ctx.validateValues(values);
  for (const problem of problems) {
    ctx.diagnostics.add(
      templateDiagnostic(templateFile, "render-invalid-values", `rendered ${problem}, per the chart's values.schema.json`),
      subject,
    );
  }
  return problems.length === 0;
}
