/**
 * Inline SVG charts for the QA report (no scripts, no external assets). Errors are drawn
 * as a fraction of each item's tolerance, so items in mm, degrees and ms share one axis:
 * the dashed lines are the tolerance (±1) and the dotted ones the action level.
 */
import { FRACTION_CAP } from '../worst-fraction.js';

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Bar {
  readonly id: string;
  /** error / tolerance, signed (capped at ±FRACTION_CAP). */
  readonly fraction: number;
  /** action / tolerance (0..1), for the dotted line. */
  readonly actionFraction: number;
  readonly label: string;
  readonly status: 'pass' | 'action' | 'fail';
}

const COLOUR = { pass: '#2e7d32', action: '#ef6c00', fail: '#c62828' } as const;
const W = 640;
const H = 280;
const PAD = { left: 48, right: 12, top: 16, bottom: 110 };

const fmt = (x: number): string => (Math.round(x * 100) / 100).toString();

function frame(kind: string, attrs: string, body: string, yLabel: string): string {
  return `<svg class="qa-chart" data-chart="${kind}" ${attrs} xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img">`
    + `<text x="12" y="${H / 2}" font-size="11" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${escapeHtml(yLabel)}</text>${body}</svg>`;
}

/** Bars of error / tolerance per item; `signed` draws below zero for negative errors. */
export function errorBarChart(kind: string, attrs: string, bars: readonly Bar[], signed: boolean): string {
  const plotH = H - PAD.top - PAD.bottom;
  const lo = signed ? -FRACTION_CAP : 0;
  const y = (f: number) => PAD.top + ((FRACTION_CAP - Math.max(lo, Math.min(FRACTION_CAP, f))) / (FRACTION_CAP - lo)) * plotH;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, bars.length);
  const parts: string[] = [];
  const line = (f: number, dash: string, colour: string, name: string) =>
    parts.push(`<line class="${name}" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(f))}" y2="${fmt(y(f))}" stroke="${colour}" stroke-dasharray="${dash}"/>`);
  line(0, '', '#555', 'zero');
  for (const s of signed ? [1, -1] : [1]) line(s, '6 3', COLOUR.fail, 'tolerance-line');
  const action = bars.length ? Math.max(...bars.map((b) => b.actionFraction)) : 0;
  if (action > 0) for (const s of signed ? [1, -1] : [1]) line(s * action, '2 3', COLOUR.action, 'action-line');
  bars.forEach((b, i) => {
    const f = signed ? b.fraction : Math.abs(b.fraction);
    const x = PAD.left + i * slot + slot * 0.2;
    const top = Math.min(y(f), y(0));
    const h = Math.max(1, Math.abs(y(f) - y(0)));
    parts.push(`<rect class="bar" data-item="${escapeHtml(b.id)}" x="${fmt(x)}" y="${fmt(top)}" width="${fmt(slot * 0.6)}" height="${fmt(h)}" fill="${COLOUR[b.status]}"><title>${escapeHtml(`${b.id}: ${b.label} (${b.status})`)}</title></rect>`);
    parts.push(`<text x="${fmt(x + slot * 0.3)}" y="${H - PAD.bottom + 14}" font-size="10" text-anchor="end" transform="rotate(-35 ${fmt(x + slot * 0.3)} ${H - PAD.bottom + 14})">${escapeHtml(b.id)}</text>`);
  });
  parts.push(`<text x="${PAD.left - 4}" y="${fmt(y(1) + 4)}" font-size="10" text-anchor="end">1</text>`);
  return frame(kind, attrs, parts.join(''), signed ? 'error / tolerance' : '|error| / tolerance');
}

export interface TrendSeries {
  readonly check: string;
  readonly points: ReadonlyArray<{ readonly startedAt: string; readonly fraction: number; readonly status: 'pass' | 'action' | 'fail' }>;
}

const SERIES_COLOURS = ['#1565c0', '#6a1b9a', '#00838f', '#ad1457', '#558b2f', '#4e342e'];

/** The worst fraction of tolerance per check across runs (oldest left), one line per check. */
export function trendChart(series: readonly TrendSeries[]): string {
  const plotH = H - PAD.top - PAD.bottom;
  const n = Math.max(2, ...series.map((s) => s.points.length));
  const x = (i: number) => PAD.left + (i / (n - 1)) * (W - PAD.left - PAD.right);
  const y = (f: number) => PAD.top + ((FRACTION_CAP - Math.min(FRACTION_CAP, f)) / FRACTION_CAP) * plotH;
  const parts: string[] = [`<line class="tolerance-line" x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(1))}" y2="${fmt(y(1))}" stroke="${COLOUR.fail}" stroke-dasharray="6 3"/>`];
  series.forEach((s, k) => {
    const c = SERIES_COLOURS[k % SERIES_COLOURS.length];
    const pts = s.points.map((p, i) => `${fmt(x(i))},${fmt(y(p.fraction))}`).join(' ');
    if (s.points.length > 1) parts.push(`<polyline fill="none" stroke="${c}" points="${pts}"/>`);
    s.points.forEach((p, i) => parts.push(`<circle class="point" data-check="${escapeHtml(s.check)}" cx="${fmt(x(i))}" cy="${fmt(y(p.fraction))}" r="4" fill="${COLOUR[p.status]}" stroke="${c}"><title>${escapeHtml(`${s.check} ${p.startedAt}: ${fmt(p.fraction)} of tolerance (${p.status})`)}</title></circle>`));
    parts.push(`<text x="${W - PAD.right}" y="${PAD.top + 12 * (k + 1)}" font-size="10" text-anchor="end" fill="${c}">${escapeHtml(s.check)}</text>`);
  });
  parts.push(`<text x="${PAD.left}" y="${H - 8}" font-size="10">oldest</text><text x="${W - PAD.right}" y="${H - 8}" font-size="10" text-anchor="end">this run</text>`);
  return frame('trend', '', parts.join(''), 'worst |error| / tolerance');
}
