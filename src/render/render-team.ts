/**
 * Files above the unit level: the team's AppProject (shared by all of the team's source
 * repositories) and one Backstage catalog file per service (owned by this source).
 */
import { teamHeader } from "../core/provenance.js";
import type { Unit } from "../core/unit.js";
import { addFile, type RenderContext } from "./render-context.js";
import { compareText, yamlString } from "./encode.js";
import { unitFinding } from "./findings.js";
import { catalogPath, projectPath } from "./layout.js";
import { applicationName } from "../core/names.js";
import { buildProjectView } from "./project-view.js";
import { buildUnitView } from "./view-model.js";

/** `projects/<owner>.yaml` for each owner among the units. */
export function renderProjects(units: readonly Unit[], ctx: RenderContext): string[] {
  const owners = [...new Set(units.map((unit) => unit.owner))].sort(compareText);
  const paths: string[] = [];
  for (const owner of owners) {
    const target = projectPath(ctx.config.gitops.directory, owner);
    const subject = `project ${owner}`;
    if ("unsafe" in target) {
      const unit = units.find((u) => u.owner === owner)!;
      ctx.findings.add(unitFinding(ctx.config.manifest, unit, "", "render-unsafe-path", `${JSON.stringify(target.unsafe)} cannot be a path segment in the GitOps repository; the project of ${owner} is not rendered`));
      continue;
    }
    const view = buildProjectView(owner, ctx.config, ctx.gitopsRepoURL);
    const rendered = ctx.runner.run({ template: "appproject", view, subject, kind: "objects" });
    const unit = units.find((u) => u.owner === owner)!;
    if (rendered && addFile(ctx, target.path, rendered.text, ctx.runner.fileOf("appproject"), subject, { header: teamHeader(owner), unit })) paths.push(target.path);
  }
  return paths;
}

/**
 * `catalog/<owner>/<service>.yaml`: a Component and a Resource per dependency, as one multi-document
 * file. A service's catalog entry describes the service, not one environment: it is taken from its
 * first unit in promotion order (overrides rarely change description or dependencies), and names
 * the Argo CD Application of its last one (`argocd/app-name`: where it runs for real).
 */
export function renderCatalog(units: readonly Unit[], ctx: RenderContext): string[] {
  const first = new Map<string, Unit>();
  const last = new Map<string, Unit>();
  const order = new Map(ctx.config.environments.map((env, index) => [env.name, index]));
  const rank = (unit: Unit) => order.get(unit.environment) ?? -1;
  for (const unit of units) {
    const key = `${unit.owner}/${unit.service}`;
    if (!first.has(key)) first.set(key, unit);
    const latest = last.get(key);
    if (!latest || rank(unit) >= rank(latest)) last.set(key, unit);
  }
  const paths: string[] = [];
  for (const [key, unit] of first) {
    const target = catalogPath(ctx.config.gitops.directory, unit.owner, unit.service);
    const subject = `catalog ${unit.service}`;
    if ("unsafe" in target) {
      ctx.findings.add(unitFinding(ctx.config.manifest, unit, "", "render-unsafe-path", `${JSON.stringify(target.unsafe)} cannot be a path segment in the GitOps repository; the catalog entry of ${unit.service} is not rendered`));
      continue;
    }
    // The catalog does not depend on the unit's directory; only the entity fields are used.
    const view = buildUnitView(unit, { dir: "", autoSync: false, extraManifests: false }, ctx.shared, ctx.config);
    const lastUnit = last.get(key)!;
    view.catalog.application = yamlString(applicationName(lastUnit.owner, lastUnit.service, lastUnit.environment));
    const component = ctx.runner.run({ template: "catalog-component", view, subject, kind: "objects" });
    if (!component) continue;
    const documents = [component.text];
    for (const dependency of view.service.dependencies) {
      const resource = ctx.runner.run({ template: "catalog-resource", view: { ...view, dependency }, subject, kind: "objects" });
      if (!resource) break;
      documents.push(resource.text);
    }
    // A catalog file missing some of its entities would mislead: all documents or no file.
    if (documents.length !== view.service.dependencies.length + 1) continue;
    if (addFile(ctx, target.path, documents.join("---\n"), ctx.runner.fileOf("catalog-component"), subject, { unit })) paths.push(target.path);
  }
  return paths;
}
