import type { Source } from "../core/files.js";

/** What reports need besides the plan: where the manifest lives, and links when a shell knows them. */
export interface ReportContext {
  source: Source;
  /** The manifest's path in the source repository (annotations and line links point here). */
  manifestPath: string;
  /** URL of the manifest at the head commit, at a line (`…/blob/<sha>/platform.yaml#L12`). */
  fileUrl?: (line: number) => string;
  /** URL of the source commit the plan was made for. */
  commitUrl?: string;
  /** Environments whose changes need an approving review (from the org config), and who gave it. */
  approvals?: ApprovalState[];
  /** Environments gated by review (`mode: pull-request`): the GitOps pull request holding their changes. */
  proposed?: Array<{ environment: string; url: string }>;
  /** Per environment, which source commit it runs after this change and why (a merge under promotion policies, a command). */
  promotion?: Array<{ environment: string; commit: string | null; changes: boolean; note: string }>;
  /**
   * Once applied: per environment (config order), what it runs now, how it got there, whether it is
   * held, and what it ran before — from the ownership index, so it costs no call.
   */
  deployed?: {
    environments: Array<{ environment: string; commit: string; action: string; held: boolean; previous: string[] }>;
    /** The source commit on the web, for links. */
    commitUrl?: (sha: string) => string;
    /** The GitOps history of this source's index: every deployment, with times and trailers. */
    historyUrl?: string;
  };
  /** Set once the plan was committed to the GitOps repository. */
  applied?: {
    commitUrl: string;
    /** Per unit (`<env>/<service>`, see `linkKey`): label → URL (logs, dashboards, Argo CD). */
    links: Record<string, Record<string, string>>;
  };
}

export interface ApprovalState {
  environment: string;
  /** Team slugs whose members may approve. */
  teams: string[];
  /** The reviewer whose approval counts, when there is one. */
  approvedBy?: string;
  /** Why no approval counts yet beyond its absence (the last pusher cannot approve, not a pull request into the default branch …). */
  note?: string;
}

/** Environments still waiting for an approving review. */
export function pendingApprovals(ctx: ReportContext): ApprovalState[] {
  return (ctx.approvals ?? []).filter((a) => a.approvedBy === undefined);
}

/** "abc1234" from a commit URL or sha. */
export function shortSha(urlOrSha: string): string {
  const match = /([0-9a-f]{7,40})\/?$/i.exec(urlOrSha);
  return match ? match[1]!.slice(0, 7) : urlOrSha;
}
