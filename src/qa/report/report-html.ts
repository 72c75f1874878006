/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no external
 * assets) per QA run: a table and an error-bar chart per check, the couch error per axis,
 * and the trend of each check across past runs.
 */
import type { QaRunRecord } from '../runner.js';
import type { QaCheckResult, QaItem } from '../qa-types.js';
import { itemFraction, itemLimits } from '../worst-fraction.js';
import { errorBarChart, escapeHtml, trendChart, type Bar, type TrendSeries } from './svg-charts.js';

const AXES = ['lateral', 'longitudinal', 'vertical', 'pitch', 'roll', 'yaw'];
const num = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 10_000) / 10_000) : String(x));

function bar(check: QaCheckResult, i: QaItem): Bar {
  const lim = itemLimits(check, i);
  const sign = i.error < 0 ? -1 : 1;
  return { id: i.id, fraction: sign * itemFraction(check, i), actionFraction: lim && lim.tolerance > 0 ? lim.action / lim.tolerance : 0, label: `${num(i.error)} ${i.unit}`, status: i.status };
}

function table(c: QaCheckResult): string {
  const rows = c.items.map((i) => {
    const lim = itemLimits(c, i);
    return `<tr class="${i.status}"><td>${escapeHtml(i.id)}</td><td>${num(i.measured)}</td><td>${num(i.expected)}</td><td>${num(i.error)}</td><td>${escapeHtml(i.unit)}</td><td>${lim ? `${num(lim.action)} / ${num(lim.tolerance)}` : ''}</td><td>${i.status}</td></tr>`;
  });
  return `<table><thead><tr><th>item</th><th>measured</th><th>expected</th><th>error</th><th>unit</th><th>action / tolerance</th><th>status</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function sources(c: QaCheckResult): string {
  const t = c.tolerance as Record<string, unknown>;
  const rows = typeof t.source === 'string' ? [t] : Object.values(t);
  return [...new Set(rows.map((r) => (r as { source?: string })?.source).filter((s): s is string => !!s))].map((s) => `<li>${escapeHtml(s)}</li>`).join('');
}

function section(c: QaCheckResult): string {
  const couch = c.name === 'couch-accuracy' ? c.items.filter((i) => AXES.includes(i.id)) : [];
  return `<section><h2>${escapeHtml(c.name)} <span class="${c.status}">${c.status}</span></h2>`
    + (c.notes?.length ? `<p>${c.notes.map(escapeHtml).join('<br>')}</p>` : '')
    + (c.items.length ? errorBarChart('errors', `data-check="${escapeHtml(c.name)}"`, c.items.map((i) => bar(c, i)), false) : '')
    + (couch.length ? `<h3>Couch error per axis</h3>${errorBarChart('couch-axes', `data-check="${escapeHtml(c.name)}"`, couch.map((i) => bar(c, i)), true)}` : '')
    + table(c)
    + `<details><summary>tolerance sources</summary><ul>${sources(c)}</ul></details></section>`;
}

export function reportHtml(run: QaRunRecord, trend: readonly TrendSeries[]): string {
  const css = 'body{font:14px system-ui,sans-serif;margin:24px;max-width:980px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child{text-align:left}.pass{color:#2e7d32}.action{color:#ef6c00}.fail{color:#c62828;font-weight:bold}svg{display:block;margin:8px 0}';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>QA ${escapeHtml(run.machine)} ${escapeHtml(run.startedAt)}</title><style>${css}</style></head><body>`
    + `<h1>Machine QA: ${escapeHtml(run.machine)} <span class="${run.status}">${run.status}</span></h1>`
    + `<p>started ${escapeHtml(run.startedAt)}, operator ${escapeHtml(run.operator)}, ${escapeHtml(run.software)}. Charts show |error| / tolerance: dashed line = tolerance (fail beyond), dotted = action level.</p>`
    + run.checks.map(section).join('')
    + `<section><h2>Trend across runs</h2>${trendChart(trend)}</section></body></html>\n`;
}
