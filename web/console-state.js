// @ts-check
/**
 * The console's model of the bridge: the last snapshot, patched by live topic messages. Pure: no DOM,
 * no sockets. `applyMessage` returns the topics a message changed, so the page redraws only those
 * panels, once per animation frame however many messages arrived (see render-loop.js).
 */

import { sessionPhase } from './command-availability.js';

/** Snapshot parts, named as the live topics that update them (CONSOLE-CONTRACT.md). */
export const TOPICS = /** @type {const} */ (['session', 'interlocks', 'links', 'couch', 'mlc', 'beam', 'registrations', 'journal']);

/** @param {string} topic */
const snapshotKey = (topic) => (topic === 'journal' ? 'journalTail' : topic);

/**
 * @typedef {{ snapshot: any | null, stateVersion: number, user?: string, role?: string }} ConsoleModel
 */

/** @returns {ConsoleModel} */
export function emptyModel() {
  return { snapshot: null, stateVersion: -1 };
}

/**
 * Applies one server message to the model in place.
 * @param {ConsoleModel} model
 * @param {any} msg
 * @returns {string[]} the topics whose panels must be redrawn
 */
export function applyMessage(model, msg) {
  if (!msg || typeof msg !== 'object') return [];
  if (msg.type === 'hello') {
    model.user = msg.user;
    model.role = msg.role;
    return ['identity'];
  }
  if (msg.type === 'snapshot' && msg.data) {
    model.snapshot = msg.data;
    model.stateVersion = Math.max(model.stateVersion, numberOr(msg.stateVersion, msg.data.stateVersion));
    return [...TOPICS, 'identity'];
  }
  if (msg.type === 'update' && model.snapshot && TOPICS.includes(msg.topic)) {
    model.snapshot[snapshotKey(msg.topic)] = msg.data;
    model.stateVersion = Math.max(model.stateVersion, numberOr(msg.stateVersion, model.stateVersion));
    model.snapshot.stateVersion = model.stateVersion;
    return [msg.topic];
  }
  return [];
}

/** @param {unknown} v @param {number} fallback */
function numberOr(v, fallback) {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * The beam status line, from readback: the session state, the linac's own beam state and MU, and the
 * journal's "beam delivered" notices. Contains "beam complete" once a beam has been delivered.
 * @param {any} snapshot
 * @returns {string}
 */
export function beamStatusText(snapshot) {
  if (!snapshot) return 'no readback';
  const state = snapshot.session?.state ?? 'unknown';
  const phase = sessionPhase(snapshot.session);
  const beam = snapshot.beam ?? {};
  const delivered = deliveredBeams(snapshot.journalTail);
  const mu = `${fmt(beam.mu1, 1)} / ${fmt(beam.plannedMu, 1)} MU`;
  if (phase === 'complete') return `beam complete: fraction complete (${delivered.length} beam${delivered.length === 1 ? '' : 's'} delivered)`;
  if (phase === 'beamOn') return `BEAM ON: ${mu}`;
  if (phase === 'hold') return `beam held: ${mu}`;
  if (phase === 'fault') return `fault: beam terminated (${mu})`;
  if (delivered.length > 0) return `beam complete: beam ${delivered[delivered.length - 1]} delivered; next: ${state}`;
  return `beam off (${String(beam.state ?? 'unknown').toLowerCase()})`;
}

/**
 * Beam ids the journal tail reports delivered, oldest first.
 * @param {any[] | undefined} tail
 * @returns {string[]}
 */
export function deliveredBeams(tail) {
  if (!Array.isArray(tail)) return [];
  return tail
    .filter((e) => /beam[- ]delivered/i.test(`${e.kind} ${e.summary}`))
    .map((e) => String((/"beamId":\s*(\d+)/.exec(String(e.summary)) ?? /beam\D*(\d+)/i.exec(String(e.summary)))?.[1] ?? '?'));
}

/**
 * MU progress of one channel as a fraction of the planned MU (0..1), or undefined when nothing is planned.
 * @param {number | undefined} mu @param {number | undefined} plannedMu
 */
export function muFraction(mu, plannedMu) {
  if (typeof mu !== 'number' || typeof plannedMu !== 'number' || !(plannedMu > 0)) return undefined;
  return Math.min(1, Math.max(0, mu / plannedMu));
}

/** @param {unknown} v @param {number} digits */
export function fmt(v, digits) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const text = v.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text; // no "-0.00" for a reading that rounds to zero
}
