import { movesPlanInputs } from "../../flows/pull-request-trigger.js";

/**
 * Which deliveries plan the same thing: the pull-request events for one head commit (opened,
 * synchronize, ready_for_review, a review…) all plan that head against the state as it is when the
 * plan runs, so only the latest of those still waiting needs to run. Explicit re-runs (the check's
 * Re-run, `/paved plan`) and pushes are never coalesced.
 */
export function coalesceKey(name: string, payload: unknown): string | undefined {
  if (name !== "pull_request" && name !== "pull_request_review") return undefined;
  const p = payload as { action?: string; changes?: { base?: unknown }; repository?: { full_name?: string }; pull_request?: { number?: number; head?: { sha?: string } } };
  // An edit that did not move the base plans nothing: it must not stand in for one that does.
  if (!movesPlanInputs(p)) return undefined;
  const repo = p.repository?.full_name;
  const number = p.pull_request?.number;
  const head = p.pull_request?.head?.sha;
  if (!repo || number === undefined || !head) return undefined;
  return `${repo.toLowerCase()}#${number}@${head}`;
}
