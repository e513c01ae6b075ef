/** What crosses between the App's thread and a plan worker (plan-pool.ts, plan-worker.ts): plain data only. */
import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import type { SourceMapData } from "../document/source-map.js";
import type { DesiredState } from "../plan/types.js";
import type { RenderOptions } from "../render/index.js";
import type { TemplateSources } from "../render/templates.js";

export interface PlanRequest {
  id: number;
  manifestText: string | null;
  file: string;
  config: ResolvedConfig;
  source: Source;
  templates: TemplateSources;
  options: RenderOptions;
}

/** The desired state without its functions: the source map travels as data and is revived. */
export type DesiredData = Omit<DesiredState, "locate" | "check"> & {
  check: Omit<DesiredState["check"], "sourceMap">;
  sourceMap?: SourceMapData;
};

export type PlanReply = { id: number; ok: true; desired: DesiredData } | { id: number; ok: false; message: string };
