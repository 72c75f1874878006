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
  repositionMlc: ['therapist'],
  hold: ['therapist', 'physician', 'physicist', 'service'],
  terminate: ['therapist', 'physician', 'physicist', 'service'],
  reset: ['therapist'],
  approveRegistration: ['therapist', 'physician'],
  rejectRegistration: ['therapist', 'physician'],
};

export const COMMANDS = /** @type {(keyof typeof ROLES)[]} */ (Object.keys(ROLES));

/**
 * The session's phase from its statechart tags (`ready`, `beam-on`, `hold`, `positioning`, `fault`,
 * `complete`), falling back to the top-level state name for a bridge that sends no tags.
 * @param {any} session
 * @returns {'idle' | 'ready' | 'beamOn' | 'hold' | 'positioning' | 'fault' | 'complete' | 'other'}
 */
export function sessionPhase(session) {
  const tags = Array.isArray(session?.tags) ? session.tags : [];
  const state = String(session?.state ?? '');
  if (tags.includes('beam-on') || state === 'beamOn') return 'beamOn';
  if (tags.includes('hold') || state === 'beamHold') return 'hold';
  if (tags.includes('fault') || state === 'fault') return 'fault';
  if (tags.includes('complete') || state === 'fractionComplete') return 'complete';
  if (tags.includes('positioning') || state === 'mlcPositioning') return 'positioning';
  if (tags.includes('ready') || state === 'ready') return 'ready';
  if (tags.includes('idle') || state === 'idle') return 'idle';
  return 'other';
}

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
  const phase = sessionPhase(s.session);
  const blocking = blockingInterlocks(s.interlocks);
  switch (cmd) {
    case 'beamOn':
      if (blocking.length) return no(`interlocks not clear: ${blocking.join(', ')}`);
      return phase === 'ready' ? yes() : no(`session is ${state}, not ready`);
    case 'loadPlan':
      return phase === 'idle' ? yes() : no(`a plan is loaded in idle only; the session is ${state}`);
    case 'selectBeam':
    case 'arm':
      return phase === 'ready' ? yes() : no(`session is ${state}, not ready`);
    case 'resume':
      if (blocking.length) return no(`interlocks not clear: ${blocking.join(', ')}`);
      return phase === 'hold' ? yes() : no('no beam is held');
    case 'repositionMlc':
      // re-sends the held segment's leaves (an MLC controller that restarted lost them); the beam stays held
      if (phase !== 'hold') return no('no beam is held');
      return s.links?.mlc?.fresh === true ? yes() : no('the MLC link is stale: the leaves can be neither commanded nor read back');
    case 'hold':
      return phase === 'beamOn' || phase === 'positioning' ? yes() : no('no beam is running');
    case 'terminate':
      return ['beamOn', 'positioning', 'hold', 'ready'].includes(phase) ? yes() : no('no beam to terminate');
    case 'moveCouch':
      return approvedRegistration(s) ? yes() : no('no approved correction');
    case 'reset':
      return phase === 'fault' || (s.interlocks ?? []).some((/** @type {any} */ i) => i.status === 'latched') ? yes() : no('nothing latched');
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

/** The approved registration the couch may still move to (not yet applied), if any. @param {any} s */
export function approvedRegistration(s) {
  const regs = Array.isArray(s?.registrations) ? s.registrations : [];
  return regs.filter((/** @type {any} */ r) => r.status === 'approved' && !r.moved).at(-1);
}

/**
 * Whether this role may approve this registration: pending, applicable (not `reject`/`re-setup`),
 * and a review-level correction only by a physician (the bridge enforces the same).
 * @param {any} reg @param {string | undefined} role
 * @returns {{ enabled: boolean, why: string }}
 */
export function approvalAvailability(reg, role) {
  if (reg?.status !== 'pending') return no(`registration is ${reg?.status ?? 'unknown'}`);
  if (reg.classification === 'reject' || reg.classification === 're-setup') return no(`the correction cannot be applied (${reg.classification})`);
  if (reg.classification === 'review') return role === 'physician' ? yes() : no('a review-level correction needs a physician');
  return role === 'therapist' || role === 'physician' ? yes() : no(`not allowed for role ${role ?? 'unknown'}`);
}

const yes = () => ({ enabled: true, why: '' });
/** @param {string} why */
const no = (why) => ({ enabled: false, why });
