/**
 * The environment knobs of the App and the Action, parsed in one place: the shells read
 * `process.env` and hand the values to the flows, which never read it themselves.
 */
type Env = Readonly<Record<string, string | undefined>>;

/** `PAVED_APPLY_ATTEMPTS`: how many times an apply re-reads and re-plans after losing a race to another writer (default 5). */
export function applyAttempts(env: Env): number {
  return Number(env.PAVED_APPLY_ATTEMPTS) || 5;
}

/** `PAVED_QUICK_CHECK_MS`: planning that concludes within this writes its check once, completed (default 2 s). */
export function quickCheckMs(env: Env): number {
  return Number(env.PAVED_QUICK_CHECK_MS) || 2_000;
}
