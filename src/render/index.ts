/**
 * Render: units → the GitOps file set, injection-proof by construction. Templates only ever see
 * pre-encoded YAML scalars (encode.ts, view-model.ts), and every output of an org's template is parsed
 * back before it is accepted (parse-back.ts); a built-in's has its object's identity read from its
 * fixed head (builtin-output.ts).
 */
export { renderUnits, type RenderOptions } from "./render-units.js";
export { compileTemplateSet, type CompiledTemplate, type CompiledTemplateSet } from "./templates.js";
export { defaultTemplates, loadTemplateSet, templateSetWith } from "./load-templates.js";
export { BUILTIN_TEMPLATES } from "./unit-files.js";
export { yamlString } from "./encode.js";
