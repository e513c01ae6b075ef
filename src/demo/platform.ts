/**
 * Paved as the demo drives it: the same pipeline the App and the CLI use (check → render → plan
 * against the GitOps tree → one commit with the local writer), bound to one org config.
 */
import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import { PAVED_VERSION } from "../core/version.js";
import { LocalGitWriter } from "../gitops/local.js";
import type { Planner, Plan } from "../plan/types.js";
import { applyWithRetry, readPlanBlobs, type ApplyOutcome } from "../flows/apply.js";
import { desiredState } from "../flows/pipeline.js";
import { planner } from "../flows/planner.js";
import { defaultTemplates } from "../render/index.js";
import { demoGit } from "./git.js";

export class DemoPlatform {
  readonly writer: LocalGitWriter;

  constructor(
    readonly config: ResolvedConfig,
    readonly manifestPath: string,
    gitopsDir: string,
  ) {
    this.writer = new LocalGitWriter(gitopsDir, { git: demoGit(gitopsDir) });
  }

  private bind(manifestText: string, source: Source): Planner {
    const desired = desiredState(manifestText, this.manifestPath, this.config, source, defaultTemplates());
    return planner(desired, {
      source,
      config: this.config,
      version: PAVED_VERSION,
      manifestText,
      manifestFile: this.manifestPath,
      locate: desired.locate,
    });
  }

  /** What a pull request's check and comment are made from: the plan against the GitOps branch now. */
  async plan(manifestText: string, source: Source): Promise<Plan> {
    const bound = this.bind(manifestText, source);
    const snapshot = await this.writer.readTree();
    return bound.plan(snapshot, await readPlanBlobs(this.writer, bound, snapshot));
  }

  /** What a push to the default branch does: plan again and commit, retrying on a concurrent writer. */
  async apply(manifestText: string, source: Source): Promise<ApplyOutcome> {
    return applyWithRetry(this.writer, this.bind(manifestText, source), { attempts: 3 });
  }
}
