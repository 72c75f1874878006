// @ts-check
/**
 * Draws one snapshot part into its panel, in place: rows are kept by key (interlock id, registration
 * id, journal seq) and only their text and attributes change, so a redraw at the control-cycle rate
 * touches a few nodes, never the page. Readback only: nothing here shows what was commanded.
 */
import { beamStatusText, fmt, muFraction } from './console-state.js';

/** @param {string} id */
const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {HTMLElement} node @param {string} text */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** @param {any} s */
export function renderSession(s) {
  const session = s.session ?? {};
  setText(el('session-state'), String(session.state ?? 'unknown'));
  setText(el('session-plan'), session.planId ?? 'no plan loaded');
  const of = typeof session.beamCount === 'number' ? ` of ${session.beamCount}` : '';
  setText(el('session-beam'), session.planId ? `beam ${Number(session.beamIndex) + 1}${of}, segment ${Number(session.segmentIndex) + 1}` : '—');
  setText(el('state-version'), String(s.stateVersion ?? '—'));
  if (Array.isArray(session.holdCauses) && session.holdCauses.length && session.state === 'beamHold') setText(el('session-state'), `beamHold (${session.holdCauses.join(', ')})`);
  const fault = el('fault-reason');
  fault.hidden = !session.faultReason;
  setText(fault, session.faultReason ? `FAULT: ${session.faultReason}` : '');
  renderBeamStatus(s);
}

/** @param {any} s */
export function renderBeamStatus(s) {
  setText(el('beam-status'), beamStatusText(s));
}

const STATUS_TEXT = { clear: 'clear ✓', active: 'ACTIVE ⚠', latched: 'LATCHED ■', unknown: 'UNKNOWN ?' };

/** @param {any[]} interlocks @param {(id: string) => void} onAcknowledge */
export function renderInterlocks(interlocks, onAcknowledge) {
  const body = /** @type {HTMLTableSectionElement} */ (el('interlock-panel').querySelector('tbody'));
  const seen = new Set();
  for (const il of interlocks ?? []) {
    const id = String(il.id);
    seen.add(id);
    let row = /** @type {HTMLTableRowElement | null} */ (body.querySelector(`tr[data-id="${CSS.escape(id)}"]`));
    if (!row) {
      row = document.createElement('tr');
      row.dataset.id = id;
      row.dataset.testid = `interlock-${id}`;
      row.setAttribute('data-testid', `interlock-${id}`);
      row.innerHTML = '<th scope="row"><span class="il-id"></span><span class="il-title"></span></th><td><span class="status-text"></span> <span class="reason"></span> <button type="button" class="ack" hidden>Acknowledge</button></td>';
      /** @type {HTMLButtonElement} */ (row.querySelector('button.ack')).addEventListener('click', () => onAcknowledge(id));
      body.append(row);
    }
    const status = ['clear', 'active', 'latched', 'unknown'].includes(il.status) ? il.status : 'unknown';
    if (row.dataset.status !== status) row.dataset.status = status;
    setText(/** @type {HTMLElement} */ (row.querySelector('.il-id')), id);
    setText(/** @type {HTMLElement} */ (row.querySelector('.il-title')), String(il.title ?? ''));
    setText(/** @type {HTMLElement} */ (row.querySelector('.status-text')), STATUS_TEXT[/** @type {keyof typeof STATUS_TEXT} */ (status)]);
    // a clear row says so in its status; its reason stays empty so the others stand out
    setText(/** @type {HTMLElement} */ (row.querySelector('.reason')), status === 'clear' ? '' : String(il.reason || 'no reason given'));
    /** @type {HTMLButtonElement} */ (row.querySelector('button.ack')).hidden = status !== 'latched';
  }
  for (const row of [...body.rows]) if (!seen.has(row.dataset.id ?? '')) row.remove();
  const notClear = (interlocks ?? []).filter((i) => i.status !== 'clear').length;
  setText(el('interlock-summary'), notClear ? `(${notClear} not clear)` : '(all clear)');
}

/** @param {any} beam */
export function renderMu(beam) {
  const b = beam ?? {};
  for (const [key, mu] of /** @type {const} */ ([['primary', b.mu1], ['secondary', b.mu2]])) {
    const f = muFraction(mu, b.plannedMu);
    /** @type {HTMLProgressElement} */ (el(`mu-${key}-bar`)).value = f ?? 0;
    setText(el(`mu-${key}`), `${fmt(mu, 2)} / ${fmt(b.plannedMu, 1)} MU${f === undefined ? '' : ` (${Math.round(f * 100)} %)`}`);
  }
  setText(el('dose-rate'), fmt(b.doseRateMuPerMin, 0));
  setText(el('linac-state'), String(b.state ?? '—'));
}

/** @param {Record<string, { fresh: boolean, detail: string }>} links */
export function renderLinks(links) {
  const list = el('links');
  for (const [name, link] of Object.entries(links ?? {})) {
    let li = /** @type {HTMLElement | null} */ (list.querySelector(`li[data-link="${CSS.escape(name)}"]`));
    if (!li) {
      li = document.createElement('li');
      li.dataset.link = name;
      list.append(li);
    }
    li.dataset.fresh = String(!!link.fresh);
    const detail = link.detail && !/^(fresh|stale)$/i.test(link.detail) ? ` (${link.detail})` : '';
    setText(li, `${name}: ${link.fresh ? 'fresh' : 'STALE'}${detail}`);
  }
}

/** @param {any[]} tail */
export function renderJournal(tail) {
  const list = el('journal-tail');
  const entries = Array.isArray(tail) ? tail : [];
  const keep = new Set(entries.map((e) => String(e.seq)));
  for (const li of [...list.children]) if (!keep.has(/** @type {HTMLElement} */ (li).dataset.seq ?? '')) li.remove();
  const have = new Set([...list.children].map((li) => /** @type {HTMLElement} */ (li).dataset.seq));
  for (const e of entries) {
    if (have.has(String(e.seq))) continue;
    const li = document.createElement('li');
    li.dataset.seq = String(e.seq);
    li.textContent = `${String(e.at ?? '').slice(11, 23)} ${e.kind}: ${e.summary ?? ''}`;
    list.append(li);
  }
  list.scrollTop = list.scrollHeight;
}
