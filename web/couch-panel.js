// @ts-check
/** The couch table: per axis the actual pose, the target, the pending correction and its limits (readback). */
import { fmt } from './console-state.js';

const AXES = [
  ['lateralMm', 'Lateral', 'mm'],
  ['longitudinalMm', 'Longitudinal', 'mm'],
  ['verticalMm', 'Vertical', 'mm'],
  ['yawDeg', 'Yaw', '°'],
  ['pitchDeg', 'Pitch', '°'],
  ['rollDeg', 'Roll', '°'],
];

/**
 * Limits as text for one axis. Accepts the couch model's ranges `{ rangeMm: { lateral: { min, max } },
 * rangeDeg: { pitch: ... } }`, per-axis `{ [axis]: { min, max } }` or `{ [axis]: number }` (±), and the
 * action levels of a correction `{ applyMaxMm, reviewMaxMm, ... }` ("apply / review").
 * @param {any} limits @param {string} axis @param {string} unit
 */
export function limitText(limits, axis, unit) {
  if (!limits || typeof limits !== 'object') return '—';
  const suffix = unit === 'mm' ? 'Mm' : 'Deg';
  const range = limits[`range${suffix}`]?.[axis.replace(/(Mm|Deg)$/, '')];
  const v = range ?? limits[axis];
  if (v && typeof v === 'object' && 'min' in v && 'max' in v) return `${fmt(v.min, 1)} … ${fmt(v.max, 1)} ${unit}`;
  if (typeof v === 'number') return `± ${fmt(v, 1)} ${unit}`;
  const apply = limits[`applyMax${suffix}`];
  const review = limits[`reviewMax${suffix}`];
  if (typeof apply === 'number' || typeof review === 'number') return `${fmt(apply, 1)} / ${fmt(review, 1)} ${unit}`;
  return '—';
}

/** @param {any} couch */
export function renderCouch(couch) {
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector('#couch-pose tbody'));
  const c = couch ?? {};
  if (body.rows.length !== AXES.length) {
    body.innerHTML = AXES.map(([axis, label]) => `<tr data-axis="${axis}"><th scope="row">${label}</th><td class="num"></td><td class="num"></td><td class="num"></td><td></td></tr>`).join('');
  }
  AXES.forEach(([axis, , unit], i) => {
    const digits = unit === 'mm' ? 1 : 2;
    const cells = body.rows[i].cells;
    const texts = [c.actual ? `${fmt(c.actual[axis], digits)} ${unit}` : 'no readback', c.target ? `${fmt(c.target[axis], digits)} ${unit}` : '—', c.pendingCorrection ? `${signed(c.pendingCorrection[axis], digits)} ${unit}` : '—', limitText(c.limits, axis, unit)];
    texts.forEach((t, k) => {
      if (cells[k + 1].textContent !== t) cells[k + 1].textContent = t;
    });
  });
}

/** @param {number} v @param {number} digits */
function signed(v, digits) {
  return typeof v === 'number' && v > 0 ? `+${fmt(v, digits)}` : fmt(v, digits);
}
