import { createHash } from "node:crypto";
import { compareStrings } from "./compare.js";
import type { Desired } from "./desired.js";
import type { PlanInput } from "./types.js";

/** Hex digits kept: enough to tell plans apart in a comment, short enough to read. */
const ID_LENGTH = 12;

/**
 * A digest of everything the plan depends on: Paved's version, the source, the config, the
 * manifest (or what came of it: diagnostics and desired files, which also cover the templates)
 * and the GitOps tree (its commit, or its entries).
 */
export function planId(input: PlanInput, desired: Desired): string {
  const hash = createHash("sha256");
  const field = (name: string, value: string): void => {
    hash.update(`${name}\0${value.length}\0`).update(value);
  };
  field("format", "paved-plan/1");
  field("version", input.version);
  field("source", input.source.repository.toLowerCase());
  field("config", JSON.stringify(input.config));
  field("manifest", input.manifestText ?? "");
  field("diagnostics", JSON.stringify(desired.diagnostics));
  for (const path of [...desired.shas.keys()].sort(compareStrings)) field("desired", `${path}\0${desired.shas.get(path)}`);
  if (input.treeId !== undefined) field("tree", input.treeId);
  else for (const path of [...input.tree.keys()].sort(compareStrings)) field("entry", `${path}\0${input.tree.get(path)}`);
  return hash.digest("hex").slice(0, ID_LENGTH);
}
