/**
 * `renderUnits` as the render step alone sees it: its findings located without any document read
 * (each names its document as its file, at the template's own position or 1:1). Tests of the
 * renderer assert on that; tests of positions in the manifest go through the pipeline.
 */
import { locatedRender } from "../../src/document/locate.js";
import { renderUnits as renderOutput } from "../../src/render/index.js";
import type { RenderResult } from "../../src/core/files.js";

export function renderUnits(...args: Parameters<typeof renderOutput>): RenderResult {
  return locatedRender(renderOutput(...args), {});
}
