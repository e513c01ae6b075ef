/**
 * What a GitOps commit Paved wrote says about itself (report/commit-message.ts writes it):
 *
 *   paved: acme/payments@26f4f14 (#1)
 *
 *   staging/api: update (image tag 1.4.2 → 1.4.3)
 *   production/api: create
 *
 *   Paved-Source: acme/payments@26f4f14838c2f78a5523151f5d7ce006f20bd5d2
 *
 * The unit lines name every unit the commit created, updated or deleted. A commit without a
 * `Paved-Source` trailer is someone else's (a hand edit) and is not a deployment.
 */
import { entriesOf } from "../report/history.js";

export interface CommitUnitChange {
  environment: string;
  service: string;
  action: "create" | "update" | "delete";
}

export interface PavedCommit {
  repository: string;
  sourceSha: string;
  pullRequest?: number;
  units: CommitUnitChange[];
  /** The `Paved-Action` trailer (merge, promote, rollback, hold, release); absent before promotion was recorded. */
  action?: string;
}

const SOURCE = /^Paved-Source: ([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)@([0-9a-f]{40})$/;
const UNIT_LINE = /^([A-Za-z0-9_][A-Za-z0-9._-]*)\/([a-z0-9][a-z0-9-]*): (create|update|delete)\b/;

export function parsePavedCommit(message: string): PavedCommit | null {
  const lines = message.split("\n").map((l) => l.trim());
  const source = lines.map((l) => SOURCE.exec(l)).find((m) => m !== null);
  if (!source) return null;
  const units: CommitUnitChange[] = [];
  for (const line of lines.slice(1)) {
    const m = UNIT_LINE.exec(line);
    if (m) units.push({ environment: m[1]!, service: m[2]!, action: m[3] as CommitUnitChange["action"] });
  }
  const pr = /\(#(\d+)\)\s*$/.exec(lines[0] ?? "");
  const action = entriesOf({ sha: "", date: "", message })[0]?.action;
  return { repository: source[1]!, sourceSha: source[2]!, ...(pr ? { pullRequest: Number(pr[1]) } : {}), units, ...(action ? { action } : {}) };
}
