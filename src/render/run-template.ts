/**
 * Runs one template on one view model and accepts the output only if it parses back: a runtime
 * error is `render-template-error`, output that is not valid YAML (or not an identifiable object)
 * is `render-invalid-output`; both name the template file, and neither produces a file. A built-in
 * template's objects are read from their fixed head instead (builtin-output.ts says why that holds).
 */
import type { FindingCollector } from "./collector.js";
import { templateFinding } from "./findings.js";
import { builtinObjects } from "./builtin-output.js";
import { normalizeOutput, parseObjects, parseValues } from "./parse-back.js";
import { templateError, TEMPLATE_SUFFIX, type CompiledTemplateSet } from "./templates.js";

export interface Rendered {
  text: string;
  documents: unknown[];
}

export interface RunRequest {
  template: string;
  view: object;
  /** What is being rendered, for messages: `staging/api`, `project payments`. */
  subject: string;
  kind: "objects" | "values";
  /** Org-added templates may render nothing for a unit (no file); a built-in one must render an object. */
  allowEmpty?: boolean;
}

export class TemplateRunner {
  constructor(
    private readonly set: CompiledTemplateSet,
    private readonly findings: FindingCollector,
  ) {}

  /** The file a template comes from (or would, when the set lacks it), for diagnostics. */
  fileOf(name: string): string {
    return this.set.templates.get(name)?.file ?? this.set.broken.get(name)?.at.document ?? `templates/${name}${TEMPLATE_SUFFIX}`;
  }

  /** The accepted output; null when the template is missing, broken or fails (diagnostic recorded), or renders nothing. */
  run(request: RunRequest): Rendered | null {
    const template = this.set.templates.get(request.template);
    if (!template) {
      // A template that failed to compile was reported once already.
      if (!this.set.broken.has(request.template)) {
        const file = `templates/${request.template}${TEMPLATE_SUFFIX}`;
        this.findings.add(templateFinding(file, "render-template-missing", `the template set has no ${request.template}${TEMPLATE_SUFFIX}`));
      }
      return null;
    }
    let text: string;
    try {
      text = normalizeOutput(template.render(request.view));
    } catch (error) {
      const { message, line, column } = templateError(error);
      const readable = message.replace(/^"(.+)" not defined in .*$/, "{{$1}} is not in the view model");
      this.findings.add(
        templateFinding(template.file, "render-template-error", `template ${template.file} failed: ${readable}`, line, column),
        request.subject,
      );
      return null;
    }
    const parsed =
      request.kind === "values" ? parseValues(text) : ((template.builtin && builtinObjects(text)) || parseObjects(text));
    if (!parsed.ok) {
      this.findings.add(
        templateFinding(
          template.file,
          "render-invalid-output",
          `template ${template.file} rendered invalid output (line ${parsed.line} of the output): ${parsed.message}`,
          parsed.line,
          parsed.column,
        ),
        request.subject,
      );
      return null;
    }
    if (parsed.documents.length === 0) {
      if (!request.allowEmpty) {
        this.findings.add(
          templateFinding(template.file, "render-invalid-output", `template ${template.file} rendered no object`),
          request.subject,
        );
      }
      return null;
    }
    return { text, documents: parsed.documents };
  }
}
