// @ts-check
/**
 * Which command buttons the console enables, and why not: pure, from the readback and the connection.
 * The bridge decides every command itself (roles, interlocks, stale state); this only keeps the screen
 * from offering what cannot work. Without a live connection every command is disabled.
 */

/** Roles allowed per command (CONSOLE-CONTRACT.md). */
const ROLES = {
  loadPlan: ['therapist'],
  selectBeam: ['therapist'],
  moveCouch: ['therapist'],
  arm: ['therapist'],
  beamOn: ['therapist'],
  resume: ['therapist'],
  hold: ['therapist', 'physician', 'physicist', 'service'],
  terminate: ['therapist', 'physician', 'physicist', 'service'],
  reset: ['therapist'],
  approveRegistration: ['therapist', 'physician'],
  rejectRegistration: ['therapist', 'physician'],
};

export const COMMANDS = /** @type {(keyof typeof ROLES)[]} */ (Object.keys(ROLES));

/** Session states in which a beam can be running or held. */
const BEAM_ACTIVE = new Set(['beamOn', 'beamHold', 'mlcPositioning']);

/**
 * @param {any} snapshot the last snapshot (null before the first)
 * @param {{ connected: boolean, role?: string }} link
 * @returns {Record<string, { enabled: boolean, why: string }>}
 */
export function commandAvailability(snapshot, link) {
  /** @type {Record<string, { enabled: boolean, why: string }>} */
  const out = {};
  for (const cmd of COMMANDS) out[cmd] = decide(cmd, snapshot, link);
  return out;
}

/** @param {keyof typeof ROLES} cmd @param {any} s @param {{ connected: boolean, role?: string }} link */
function decide(cmd, s, link) {
  if (!link.connected) return no('disconnected: no live readback');
  if (!s) return no('waiting for the first snapshot');
  if (!link.role || !ROLES[cmd].includes(link.role)) return no(`not allowed for role ${link.role ?? 'unknown'}`);
  const state = String(s.session?.state ?? '');
  const blocking = blockingInterlocks(s.interlocks);
  switch (cmd) {
    case 'beamOn':
      if (blocking.length) return no(`interlocks not clear: ${blocking.join(', ')}`);
      return state === 'ready' ? yes() : no(`session is ${state}, not ready`);
    case 'resume':
      if (blocking.length) return no(`interlocks not clear: ${blocking.join(', ')}`);
      return state === 'beamHold' ? yes() : no('no beam is held');
    case 'hold':
      return BEAM_ACTIVE.has(state) ? yes() : no('no beam is running');
    case 'terminate':
      return BEAM_ACTIVE.has(state) || state === 'ready' ? yes() : no('no beam to terminate');
    case 'moveCouch':
      return approvedRegistration(s) ? yes() : no('no approved correction');
    case 'reset':
      return state === 'fault' || (s.interlocks ?? []).some((/** @type {any} */ i) => i.status === 'latched') ? yes() : no('nothing latched');
    default:
      return yes();
  }
}

/**
 * Interlocks that are not positively clear (active, latched or unknown), by id.
 * @param {any[] | undefined} interlocks
 */
export function blockingInterlocks(interlocks) {
  return (interlocks ?? []).filter((i) => i.status !== 'clear').map((i) => String(i.id));
}

/** The approved registration the couch may move to, if any. @param {any} s */
export function approvedRegistration(s) {
  const regs = Array.isArray(s?.registrations) ? s.registrations : [];
  return regs.filter((/** @type {any} */ r) => r.status === 'approved').at(-1);
}

const yes = () => ({ enabled: true, why: '' });
/** @param {string} why */
const no = (why) => ({ enabled: false, why });
