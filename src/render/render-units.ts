/**
 * Units → the GitOps file set of one source repository, and what is wrong as findings (located by the
 * caller, who has the documents: document/locate.ts `locatedRender`). Pure: the templates come in compiled.
 */
import type { ResolvedConfig } from "../config/types.js";
import type { RenderedUnit, RenderOutput, Source } from "../core/files.js";
import type { Unit } from "../core/unit.js";
import { sourceHeader } from "../core/provenance.js";
import { FindingCollector } from "./collector.js";
import type { RenderContext } from "./render-context.js";
import { configFinding } from "./findings.js";
import { compareText } from "./encode.js";
import { defaultGitopsRepoURL } from "../core/names.js";
import { renderCatalog, renderProjects } from "./render-team.js";
import { renderNotifications } from "./render-argocd.js";
import { renderUnit } from "./render-unit.js";
import { TemplateRunner } from "./run-template.js";
import type { CompiledTemplateSet } from "./templates.js";
import { isBuiltinTemplate } from "./unit-files.js";
import { compileValuesSchema, type ValuesValidator } from "./values-schema.js";
import { buildSharedView } from "./view-model.js";

export interface RenderOptions {
  /** Clone URL of the GitOps repository; default `https://github.com/<gitops.repository>.git`. */
  gitopsRepoURL?: string;
  /** The chart's values.schema.json (helm mode): rendered values are validated against it. */
  valuesSchema?: object;
}

export function renderUnits(
  units: Unit[],
  config: ResolvedConfig,
  source: Source,
  templates: CompiledTemplateSet,
  options: RenderOptions = {},
): RenderOutput {
  const findings = new FindingCollector();
  for (const broken of templates.broken.values()) findings.add(broken);
  const gitopsRepoURL = options.gitopsRepoURL ?? (config.gitops.repository ? defaultGitopsRepoURL(config.gitops.repository) : undefined);
  if (gitopsRepoURL === undefined) {
    findings.add(configFinding("render-no-gitops-repository", "gitops.repository is not set: Argo CD needs the GitOps repository's URL", "/gitops/repository"));
    return result(new Map(), [], [], [], findings);
  }
  if (config.render.mode === "helm" && !config.render.chart) {
    findings.add(configFinding("render-no-chart", "render.mode is helm but render.chart is not set", "/render/chart"));
    return result(new Map(), [], [], [], findings);
  }
  const ctx: RenderContext = {
    config,
    gitopsRepoURL,
    source: source.repository,
    shared: buildSharedView(config, source, gitopsRepoURL),
    runner: new TemplateRunner(templates, findings),
    findings,
    orgTemplates: [...templates.templates.keys(), ...templates.broken.keys()].filter((name) => !isBuiltinTemplate(name)).sort(compareText),
    validateValues: config.render.mode === "helm" ? valuesValidator(options.valuesSchema, findings) : null,
    files: new Map(),
    claims: new Map(),
    objects: new Map(),
    bytes: 0,
    overBudget: false,
    ownedHeader: sourceHeader(source),
  };
  const rendered: RenderedUnit[] = [];
  for (const unit of units) {
    if (ctx.overBudget) break; // the error is said; rendering the rest would only cost memory
    const one = renderUnit(unit, ctx);
    if (one) rendered.push(one);
  }
  const catalog = ctx.overBudget ? [] : renderCatalog(units, ctx);
  const shared = ctx.overBudget ? [] : [...renderProjects(units, ctx), ...renderNotifications(units, ctx)];
  const owned = [...rendered.flatMap((unit) => unit.paths), ...catalog];
  return { ...result(ctx.files, rendered, owned, shared, findings), claims: ctx.claims };
}

function valuesValidator(schema: object | undefined, findings: FindingCollector): ValuesValidator | null {
  if (schema === undefined) return null;
  const compiled = compileValuesSchema(schema);
  if (compiled.ok) return compiled.validate;
  findings.add(configFinding("render-invalid-values-schema", `the chart's values.schema.json does not compile: ${compiled.message}`, "/render/chart/valuesSchema"));
  return null;
}

function result(files: Map<string, string>, units: RenderedUnit[], owned: string[], shared: string[], findings: FindingCollector): RenderOutput {
  return {
    files: new Map([...files].sort(([a], [b]) => compareText(a, b))),
    units,
    owned: [...owned].sort(compareText),
    shared: [...shared].sort(compareText),
    findings: findings.list(),
  };
}
