/**
 * What a queue worker knows about the delivery it is running, looked up by delivery id from the
 * handlers' wrappers (they only see Probot's context). Absent when a delivery is handled outside a
 * worker (`probot.receive` in tests, Probot's own runner): then only per-request deadlines apply.
 */
export interface JobScope {
  /** Aborts when the job ran out of time: every later request of the job fails at once, except the one that concludes a check. */
  signal: AbortSignal;
  /** A check run this job moved to in progress, or concluded. */
  onCheck(event: { installationId: number; owner: string; repo: string; checkRunId: number; status: "in_progress" | "completed" }): void;
}

const scopes = new Map<string, JobScope>();

export function enterJob(deliveryId: string, scope: JobScope): () => void {
  scopes.set(deliveryId, scope);
  return () => {
    if (scopes.get(deliveryId) === scope) scopes.delete(deliveryId);
  };
}

export function jobScope(deliveryId: string): JobScope | undefined {
  return scopes.get(deliveryId);
}
