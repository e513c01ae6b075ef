/** Small helpers shared by the benchmark scripts. */

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The process's peak resident set size so far, in MiB (getrusage's ru_maxrss, in KiB on Linux). */
export function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024;
}

export function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
