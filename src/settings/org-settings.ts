import type { ResolvedConfig } from "../config/types.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { RenderOptions } from "../render/index.js";
import type { CompiledTemplateSet } from "../render/templates.js";

/** Everything the platform team decides: the org config with the templates and values schema it names. */
export type OrgSettings =
  | {
      ok: true;
      config: ResolvedConfig;
      /** False when the org has no paved.yml: built-in defaults, and no GitOps repository. */
      configured: boolean;
      location: string;
      templates: CompiledTemplateSet;
      renderOptions: RenderOptions;
      diagnostics: Diagnostic[];
    }
  | { ok: false; location: string; diagnostics: Diagnostic[] };
