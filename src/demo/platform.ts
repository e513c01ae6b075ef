/**
 * Paved as the demo drives it: the same pipeline the App and the CLI use (check → render → plan
 * against the GitOps tree → one commit with the local writer), bound to one org config. Merges and
 * the promotion verbs go through the same deploy (flows/deploy.ts) as `paved apply` and `/paved`.
 */
import type { ResolvedConfig } from "../config/types.js";
import type { Source } from "../core/files.js";
import { PAVED_VERSION } from "../core/version.js";
import { deploy, type DeployOutcome } from "../flows/deploy.js";
import { LocalGitWriter } from "../gitops/local.js";
import type { Plan, Planner } from "../plan/types.js";
import { readPlanBlobs } from "../flows/apply.js";
import { desiredState } from "../flows/pipeline.js";
import { planner } from "../flows/planner.js";
import type { DeployRequest } from "../plan/promotion.js";
import { defaultTemplates } from "../render/index.js";
import { demoGit } from "./git.js";

export class DemoPlatform {
  readonly writer: LocalGitWriter;

  constructor(
    readonly config: ResolvedConfig,
    readonly manifestPath: string,
    gitopsDir: string,
    /** The manifest at a commit of the source repository (`git show`), for the environments that run another commit. */
    private readonly manifestAt: (commit: string) => Promise<string | null>,
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

  /**
   * What a push to the default branch does: each environment at the commit its promotion policy and
   * hold give it, planned again and committed, retrying on a concurrent writer.
   */
  async apply(source: Source & { sha: string }): Promise<DeployOutcome> {
    return this.deploy(source, (present) => ({ kind: "merge", head: source.sha, present }), source.sha);
  }

  /** `paved promote|rollback|hold|release ENV`: the same decision and compare-and-swap commit. */
  async command(request: Exclude<DeployRequest, { kind: "merge" | "healthy" }>, source: Source, by: string): Promise<DeployOutcome> {
    return this.deploy(source, () => request, undefined, by);
  }

  private deploy(source: Source, request: (present: string[]) => DeployRequest, recordCommit?: string, by?: string): Promise<DeployOutcome> {
    return deploy({
      writer: this.writer,
      config: this.config,
      templates: defaultTemplates(),
      manifestPath: this.manifestPath,
      source,
      readManifest: this.manifestAt,
      request,
      retry: { attempts: 3 },
      ...(recordCommit ? { recordCommit } : {}),
      ...(by ? { by } : {}),
    });
  }
}
