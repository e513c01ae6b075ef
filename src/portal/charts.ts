import { escapeHtml } from "./html-escape.js";

/**
 * Small inline SVG charts drawn from numbers alone: presentation attributes only (no style, no
 * script), so the page's Content-Security-Policy needs no inline allowance.
 */
const WIDTH = 240;
const HEIGHT = 48;

/** Bars of `values` (e.g. deployments per day), scaled to the largest. */
export function barChart(values: readonly number[], label: string): string {
  const max = Math.max(1, ...values);
  const step = WIDTH / Math.max(1, values.length);
  const bars = values
    .map((v, i) => {
      const h = v === 0 ? 0 : Math.max(2, (v / max) * (HEIGHT - 2));
      return h === 0 ? "" : `<rect x="${fmt(i * step)}" y="${fmt(HEIGHT - h)}" width="${fmt(Math.max(1, step - 1))}" height="${fmt(h)}" fill="#2563eb"/>`;
    })
    .join("");
  return svg(label, `<line x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}" stroke="#cbd5e1"/>${bars}`);
}

/** One dot per sample in order, height by value, with the median as a line. */
export function dotChart(values: readonly number[], median: number | null, label: string): string {
  if (values.length === 0) return svg(label, `<text x="0" y="${HEIGHT / 2}" font-size="11" fill="#64748b">no data in this window</text>`);
  const max = Math.max(1, ...values);
  const step = WIDTH / (values.length + 1);
  const y = (v: number) => fmt(HEIGHT - 3 - (v / max) * (HEIGHT - 6));
  const dots = values.map((v, i) => `<circle cx="${fmt((i + 1) * step)}" cy="${y(v)}" r="2.5" fill="#0f766e"/>`).join("");
  const line = median === null ? "" : `<line x1="0" y1="${y(median)}" x2="${WIDTH}" y2="${y(median)}" stroke="#94a3b8" stroke-dasharray="3 3"/>`;
  return svg(label, line + dots);
}

/** A share as one filled bar (change failure rate). */
export function shareChart(part: number, whole: number, label: string): string {
  const w = whole === 0 ? 0 : (part / whole) * WIDTH;
  return svg(label, `<rect x="0" y="${HEIGHT / 2 - 6}" width="${WIDTH}" height="12" fill="#e2e8f0"/><rect x="0" y="${HEIGHT / 2 - 6}" width="${fmt(w)}" height="12" fill="#dc2626"/>`);
}

function svg(label: string, body: string): string {
  return `<svg class="chart" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(label)}</title>${body}</svg>`;
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}
