/** `paved previews prune`: the TTL sweep for a scheduled workflow, over a local clone of the GitOps repository. */
import { resolve } from "node:path";
import { LocalGitWriter } from "../gitops/local.js";
import { commitPreviews } from "../flows/preview-commit.js";
import { isExpired, previewDir, type PreviewRecord } from "../previews/record.js";
import { parseCommandArgs, type Command } from "./args.js";
import { CliError, loadCliConfig, type Io } from "./io.js";
import { EXIT_FAILED, EXIT_OK } from "./exit.js";

export const previewsCommand: Command = {
  summary: "Remove previews whose TTL passed without a push (for a scheduled workflow)",
  usage: `Usage: paved previews prune --gitops DIR [--config FILE] [--now TIME]

Removes every preview under <directory>/previews/ of the GitOps work tree DIR whose last push is
older than the org config's previews.ttl (and without the keep label), in one commit. The state is
the preview records in the tree: nothing else is needed. Push the commit afterwards.

Options:
  --gitops DIR   a local clone of the GitOps repository, on its branch (required)
  --config FILE  the org config (default: .github/paved.yml when present)
  --now TIME     the time to judge by, ISO 8601 (default: now)
  -h, --help     show this help

Exit status: 0 done (or nothing to remove), 1 the config has errors or no previews, 2 usage problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs("previews", args, { gitops: { type: "string" }, config: { type: "string" }, now: { type: "string" } }, 1);
    if (positionals[0] !== "prune") throw new CliError("paved previews: the only subcommand is `prune` (paved previews prune --gitops DIR)");
    if (typeof values.gitops !== "string") throw new CliError("paved previews prune: --gitops DIR is required");
    const now = typeof values.now === "string" ? new Date(values.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new CliError(`paved previews prune: --now ${JSON.stringify(values.now)} is not a time (ISO 8601, e.g. 2024-05-01T00:00:00Z)`);
    const loaded = await loadCliConfig(io, typeof values.config === "string" ? values.config : undefined);
    if (!loaded.config) {
      io.stderr.write(`paved previews prune: the org config ${loaded.file ?? ""} has errors; run paved check-config\n`);
      return EXIT_FAILED;
    }
    const config = loaded.config;
    const previews = config.previews;
    if (!previews) {
      io.stderr.write("paved previews prune: the org config has no `previews:` block\n");
      return EXIT_FAILED;
    }
    let expired: PreviewRecord[] = [];
    const writer = new LocalGitWriter(resolve(io.cwd, values.gitops));
    const result = await commitPreviews(writer, config, (records) => {
      expired = records.filter((r) => isExpired(r, now, previews.ttlMs));
      if (expired.length === 0) return null;
      return {
        edit: { write: [], remove: expired.map((r) => previewDir(config.gitops.directory, r.owner, r.repositoryId, r.number)) },
        message: `Sweep previews: no push within ${previews.ttl}\n\n${expired.map((r) => `${r.repository}#${r.number}`).join("\n")}`,
      };
    });
    if (result.status === "conflict") throw new CliError("paved previews prune: the GitOps branch kept moving", EXIT_FAILED);
    io.stdout.write(
      expired.length === 0 || result.status !== "committed"
        ? "No preview has passed its TTL.\n"
        : `Removed ${expired.length} preview(s) in ${result.sha.slice(0, 7)}: ${expired.map((r) => `${r.repository}#${r.number}`).join(", ")}\n`,
    );
    return EXIT_OK;
  },
};
