/** A metrics window as people write it: `30d`, `12w`, `24h`. */
export interface MetricsWindow {
  label: string;
  from: number;
  to: number;
}

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
/** A year at most: the facts are read from bounded histories anyway. */
const MAX_MS = 366 * UNIT_MS.d;

export const DEFAULT_WINDOW = "30d";

/** The window ending at `now`, or an error message that says what to write instead. */
export function parseWindow(text: string, now: number): MetricsWindow | { error: string } {
  const m = /^([1-9][0-9]{0,3})([hdw])$/.exec(text.trim());
  const length = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!m || !(length <= MAX_MS)) {
    return { error: `window \`${text.slice(0, 20)}\` is not valid: write a number and h, d or w, at most a year (e.g. 7d, 30d, 12w)` };
  }
  return { label: `${m[1]}${m[2]}`, from: now - length, to: now };
}

export function windowDays(window: MetricsWindow): number {
  return (window.to - window.from) / UNIT_MS.d;
}
