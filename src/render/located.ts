/**
 * Positions last: a render's findings located once, by whoever read the documents — in the
 * manifest's source map, and in the org config when its text is at hand (parsed again only when a
 * finding is about it: its loader has checked it, so that is rare). A finding about a template
 * keeps the template's own position.
 */
import type { RenderOutput, RenderResult } from "../core/files.js";
import { locatedRender, type DocumentText, type FindingDocuments } from "../document/locate.js";
import { parseYaml } from "../document/parse.js";
import type { SourceMap } from "../document/source-map.js";
import { CONFIG_DOCUMENT } from "./findings.js";

export interface RenderedManifest {
  /** How the render names it: the config's `manifest`. */
  document: string;
  /** How diagnostics name it. */
  file: string;
  sourceMap: SourceMap | undefined;
}

export function locateRender(output: RenderOutput, manifest: RenderedManifest, config?: DocumentText): RenderResult {
  const documents: FindingDocuments = { [manifest.document]: { file: manifest.file, sourceMap: manifest.sourceMap } };
  if (config && output.findings.some((f) => f.at.document === CONFIG_DOCUMENT)) {
    documents[CONFIG_DOCUMENT] = { file: config.file, sourceMap: parseYaml(config.text, config.file).sourceMap };
  }
  return locatedRender(output, documents);
}
