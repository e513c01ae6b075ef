/**
 * The GitOps repository a size is planned against, built in a process of its own so the stage
 * processes start clean: node bench/gitops-state.mjs <size> <out.json>.
 *
 * The tree holds every manifest's previous render and ownership index (path → git blob sha); the
 * blobs are the contents the plans of the current manifests ask for (what a writer would fetch).
 */
import { writeFileSync } from "node:fs";
import { loadConfig } from "../dist/config/load.js";
import { readPlanBlobs } from "../dist/flows/apply.js";
import { gitBlobSha } from "../dist/plan/blob-sha.js";
import { desiredState } from "../dist/flows/pipeline.js";
import { planner } from "../dist/flows/planner.js";
import { defaultTemplates } from "../dist/render/index.js";
import { MemoryGitOps } from "../test/support/memory-gitops.mjs";
import { CONFIG_TEXT, SIZES, sourceOf, teamManifest } from "./fixtures.mjs";

export const FILE = "platform.yaml";
export const FETCH = { diffLimit: 40 }; // as the pull-request plan fetches

const [label, out] = process.argv.slice(2);
const size = SIZES[label];
if (!size || !out) throw new Error("usage: node bench/gitops-state.mjs <size> <out.json>");
const { config } = loadConfig(CONFIG_TEXT, ".github/paved.yml");
const templates = defaultTemplates();

const contents = new Map([["README.md", "# GitOps\n"]]);
for (let team = 0; team < size.teams; team++) {
  const desired = desiredState(teamManifest(team, size.services), FILE, config, sourceOf(team), templates);
  const problems = [...desired.diagnostics, ...desired.rendered.diagnostics];
  if (problems.length > 0 || !desired.index) throw new Error(`fixture manifest has diagnostics: ${JSON.stringify(problems.slice(0, 3))}`);
  for (const [path, content] of desired.rendered.files) contents.set(path, content);
  contents.set(desired.index.path, desired.index.content);
}
// The repository as those applies left it, read through the writer interface the App's plans use.
const writer = new MemoryGitOps({ blobSha: gitBlobSha, files: contents });
const snapshot = await writer.readTree();

const blobs = new Map();
for (let team = 0; team < size.teams; team++) {
  const source = sourceOf(team);
  const desired = desiredState(teamManifest(team, size.services, { changed: size.changed }), FILE, config, source, templates);
  const bound = planner(desired, { source, config, version: "bench", fetch: FETCH });
  for (const [path, content] of await readPlanBlobs(writer, bound, snapshot)) blobs.set(path, content);
}
writeFileSync(out, JSON.stringify({ treeId: snapshot.treeId, tree: [...snapshot.tree], blobs: [...blobs] }));
