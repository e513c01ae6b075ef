import { escapeMarkdown, safeUrl } from "./escape.js";
import type { DeploymentState } from "../feedback/deployment-state.js";

/**
 * The live line in the pull request's comment, one segment per environment in promotion order:
 *   staging ✅ healthy at 1.4.3 · production ⏳ waiting for a sync — open in Argo CD
 * It sits between two markers so each Argo CD event rewrites just that block of the comment.
 */
export interface EnvironmentStatus {
  environment: string;
  state: DeploymentState;
  /** The latest status description (Argo CD's words for a failure). */
  description: string;
  /** The Argo CD Application. */
  logUrl: string;
  autoSync: boolean;
  version?: string;
}

export const DEPLOYMENTS_START = "<!-- paved:deployments -->";
export const DEPLOYMENTS_END = "<!-- /paved:deployments -->";
const MAX_DETAIL = 200;

export function environmentLine(statuses: EnvironmentStatus[]): string {
  return statuses.map(segment).join(" · ");
}

function segment(s: EnvironmentStatus): string {
  const link = s.logUrl ? ` — [open in Argo CD](${safeUrl(s.logUrl)})` : "";
  const name = escapeMarkdown(s.environment);
  switch (s.state) {
    case "success":
      return `${name} ✅ healthy${s.version ? ` at ${escapeMarkdown(s.version)}` : ""}`;
    case "inactive":
      return `${name} ✅ deployed, since replaced by a newer deployment`;
    case "in_progress":
      return `${name} 🔄 syncing${link}`;
    case "failure":
      return `${name} ❌ ${escapeMarkdown(reason(s.description))}${link}`;
    case "error":
      return `${name} ⚠️ no feedback from Argo CD${link}`;
    case "queued":
      return `${name} ⏳ ${s.autoSync ? "waiting for Argo CD to sync" : "waiting for a sync"}${link}`;
  }
}

/** The failure as the deployment's latest status says it ("api: failed: one or more objects failed to apply"), bounded. */
function reason(description: string): string {
  const text = description.length > MAX_DETAIL ? `${description.slice(0, MAX_DETAIL - 1)}…` : description;
  return text === "" ? "failed" : text;
}

/** The block as it appears in the comment. */
export function deploymentsBlock(statuses: EnvironmentStatus[]): string {
  return `${DEPLOYMENTS_START}\n### 🚀 Deployments\n${environmentLine(statuses)}\n${DEPLOYMENTS_END}\n\n`;
}

/**
 * `body` with the block replaced, or inserted before the first section when it has none yet
 * (right under the verdict and the source line, where the developer looks first).
 */
export function withDeploymentsBlock(body: string, block: string): string {
  const start = body.indexOf(DEPLOYMENTS_START);
  const end = body.indexOf(DEPLOYMENTS_END);
  if (start !== -1 && end > start) {
    const after = body.slice(end + DEPLOYMENTS_END.length).replace(/^\n*/, "");
    return `${body.slice(0, start)}${block}${after}`;
  }
  const section = body.indexOf("\n### ");
  const at = section !== -1 ? section + 1 : body.indexOf("\n---\n") !== -1 ? body.indexOf("\n---\n") + 1 : body.length;
  return `${body.slice(0, at)}${block}${body.slice(at)}`;
}
