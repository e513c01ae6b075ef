/** One unit (service × environment) → its directory: application.yaml plus manifests/ or values.yaml. */
import type { RenderedUnit } from "../core/files.js";
import { pointer } from "../core/pointer.js";
import type { Unit } from "../core/unit.js";
import { addFile, type RenderContext } from "./context.js";
import { templateDiagnostic, unitDiagnostic } from "./diagnostics.js";
import { unitDir, unitFile } from "./layout.js";
import { applicationName, instanceName, MAX_APPLICATION_NAME, MAX_INSTANCE_NAME } from "./names.js";
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
  const tooLong = nameTooLong(unit);
  if (tooLong) {
    ctx.diagnostics.add(unitDiagnostic(config.manifest, unit, "", "render-name-too-long", tooLong));
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
    if (addFile(ctx, target.path, rendered.text, templateFile, subject, { unit })) {
      paths.push(target.path);
      if (planned.allowEmpty) extraManifests = true;
    }
  }

  const application = renderApplication(ctx, unit, { ...view, extraManifests }, dir, subject);
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
function renderApplication(ctx: RenderContext, unit: Unit, view: UnitView, dir: string, subject: string): string | null {
  const template = ctx.config.render.mode === "helm" ? "application-helm" : "application";
  const rendered = ctx.runner.run({ template, view, subject, kind: "objects" });
  const path = `${dir}/application.yaml`;
  return rendered && addFile(ctx, path, rendered.text, ctx.runner.fileOf(template), subject, { unit }) ? path : null;
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

/** The names derived from a unit must fit where Helm, Kubernetes labels and Argo CD put them. */
function nameTooLong(unit: Unit): string | undefined {
  const instance = instanceName(unit.service, unit.environment);
  if (instance.length > MAX_INSTANCE_NAME) {
    return `${instance} (service-environment) is ${instance.length} characters; Helm release and Kubernetes label values allow ${MAX_INSTANCE_NAME}: shorten the service name`;
  }
  const appName = applicationName(unit.owner, unit.service, unit.environment);
  if (appName.length > MAX_APPLICATION_NAME) {
    return `the Argo CD Application ${appName} (owner-service-environment) is ${appName.length} characters; Argo CD allows ${MAX_APPLICATION_NAME}: shorten the service name`;
  }
  return undefined;
}
