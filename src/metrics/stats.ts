/** Summary statistics of durations, as the page explains them. */
export interface Summary {
  count: number;
  /** The middle value (the mean of the two middle values for an even count); null without values. */
  median: number | null;
  /** Nearest rank: the smallest value at or above 90 % of the values; null without values. */
  p90: number | null;
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { count: 0, median: null, p90: null };
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { count: n, median, p90: sorted[Math.ceil(0.9 * n) - 1]! };
}
