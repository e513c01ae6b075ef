/**
 * The thread a plan runs in (see plan-pool.ts): pipeline inputs in, the desired state out, as
 * plain data. An org's template sources are compiled here, once per set of sources.
 */
import { createHash } from "node:crypto";
import { parentPort } from "node:worker_threads";
import type { SourceMapBuilder } from "../document/source-map.js";
import { desiredState } from "../flows/pipeline.js";
import { defaultTemplates } from "../render/load-templates.js";
import { compileTemplateSet, type CompiledTemplateSet } from "../render/templates.js";
import type { PlanReply, PlanRequest } from "./plan-messages.js";

const compiled = new Map<string, CompiledTemplateSet>();
const COMPILED_SETS = 8;

function templatesFor(request: PlanRequest): CompiledTemplateSet {
  const { sources, files, builtins } = request.templates;
  const key = createHash("sha256").update(JSON.stringify([sources, files, builtins])).digest("hex");
  let set = compiled.get(key);
  if (!set) {
    // The built-ins are precompiled into this thread's code; only an org's own compile here.
    set = compileTemplateSet(sources, files, builtins ? defaultTemplates() : undefined);
    compiled.set(key, set);
    if (compiled.size > COMPILED_SETS) compiled.delete(compiled.keys().next().value!);
  }
  return set;
}

parentPort!.on("message", (request: PlanRequest) => {
  let reply: PlanReply;
  try {
    const { manifestText, file, config, source, options } = request;
    const { locate: _locate, check, ...desired } = desiredState(manifestText, file, config, source, templatesFor(request), options);
    const { sourceMap, ...rest } = check;
    reply = { id: request.id, ok: true, desired: { ...desired, check: rest, ...(sourceMap ? { sourceMap: (sourceMap as SourceMapBuilder).data() } : {}) } };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
