import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The Prometheus metrics `/metrics` serves. One registry per process (prom-client's way); label
 * values are bounded: event names, outcomes, HTTP methods, route templates and status codes.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "paved_process_" });

export const deliveries = new Counter({
  name: "paved_deliveries_total",
  help: "Webhook deliveries by event and outcome (queued, duplicate, ignored, forged, no_installation, processed, superseded, failed, retried).",
  labelNames: ["event", "outcome"] as const,
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: "paved_queue_depth",
  help: "Deliveries waiting (state=waiting, including retries not yet due) or being handled (state=active).",
  labelNames: ["state"] as const,
  registers: [registry],
});

export const queueOldestAge = new Gauge({
  name: "paved_queue_oldest_age_seconds",
  help: "Age of the oldest delivery still waiting to be handled (0 when none waits).",
  registers: [registry],
});

export const handlingSeconds = new Histogram({
  name: "paved_delivery_handling_seconds",
  help: "Time a worker spent handling one delivery, by event and outcome.",
  labelNames: ["event", "outcome"] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [registry],
});

export const ackSeconds = new Histogram({
  name: "paved_webhook_ack_seconds",
  help: "Time from a delivery's request to its answer (verification and enqueueing).",
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
});

export const githubRequests = new Counter({
  name: "paved_github_requests_total",
  help: "GitHub API requests sent, by method, route template and status (0: no answer).",
  labelNames: ["method", "route", "status"] as const,
  registers: [registry],
});

export const rateLimitRemaining = new Gauge({
  name: "paved_github_rate_limit_remaining",
  help: "x-ratelimit-remaining of the latest GitHub answer, by installation.",
  labelNames: ["installation"] as const,
  registers: [registry],
});

export const applyAttempts = new Counter({
  name: "paved_apply_attempts_total",
  help: "GitOps ref updates attempted (one per atomic commit attempt).",
  registers: [registry],
});

export const applyConflicts = new Counter({
  name: "paved_apply_conflicts_total",
  help: "GitOps ref updates refused because another writer moved the branch (re-planned and retried).",
  registers: [registry],
});
