/**
 * The logger port of flows and adapters: an object of fields, then a message (pino's order), so
 * Probot's logger satisfies it as it is and the Action adapts its one-line log to it.
 */
export type LogFn = (fields: Record<string, unknown>, message: string) => void;

export interface Log {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  debug: LogFn;
}
