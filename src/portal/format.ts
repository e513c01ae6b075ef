/** How durations, times and shares read on the page and in `paved metrics`. */
export function duration(ms: number | null): string {
  if (ms === null) return "—";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}

export function timestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function percent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 1000) / 10} %`;
}
