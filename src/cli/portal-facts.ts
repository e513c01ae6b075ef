/** `--gitops DIR [--source DIR]… [--config FILE]`: the local facts `paved portal` and `paved metrics` share. */
import { resolve } from "node:path";
import type { ResolvedConfig } from "../config/types.js";
import { hasErrors } from "../core/diagnostic.js";
import { gitRunner } from "../gitops/local.js";
import { localPortalFacts } from "../gitops/portal-local.js";
import type { PortalFacts } from "../portal/facts.js";
import { diagnosticLine } from "../report/diagnostic-line.js";
import { CliError, loadCliConfig, type Io } from "./io.js";
import { EXIT_FAILED, EXIT_USAGE } from "./exit.js";

export const LOCAL_FACTS_OPTIONS = {
  gitops: { type: "string" },
  source: { type: "string", multiple: true },
  config: { type: "string" },
} as const;

export const LOCAL_FACTS_USAGE = `  --gitops DIR     a local clone of the GitOps repository (required)
  --source DIR     a local clone of a source repository, to date each change's first commit and
                   merge (repeatable; without one, lead times are unknown)
  --config FILE    the org config (default: .github/paved.yml when present, else built-in defaults)`;

export type LocalFacts = () => Promise<PortalFacts>;

/** Checks the options once and returns a reader that reads the clones afresh each time. */
export async function localFactsReader(command: string, values: Record<string, unknown>, io: Io): Promise<LocalFacts> {
  if (typeof values.gitops !== "string") throw new CliError(`paved ${command}: \`--gitops DIR\` is required: a local clone of the GitOps repository; see \`paved ${command} --help\``, EXIT_USAGE);
  const loaded = await loadCliConfig(io, typeof values.config === "string" ? values.config : undefined);
  if (!loaded.config || hasErrors(loaded.diagnostics)) {
    const lines = loaded.diagnostics.map((d) => diagnosticLine(d, { code: "none" }));
    throw new CliError(lines.join("\n") || `paved ${command}: the org config has errors`, EXIT_FAILED);
  }
  const config: ResolvedConfig = loaded.config;
  const dir = resolve(io.cwd, values.gitops);
  const gitops = gitRunner(dir);
  const sources = (Array.isArray(values.source) ? (values.source as string[]) : []).map((s) => gitRunner(resolve(io.cwd, s)));
  const read = () => localPortalFacts(gitops, sources, config, dir);
  try {
    await gitops(["rev-parse", "--verify", "HEAD"]);
  } catch (error) {
    throw new CliError(`paved ${command}: \`${values.gitops}\` is not a git clone with commits: ${(error as Error).message.split("\n")[0]}`, EXIT_USAGE);
  }
  return read;
}
