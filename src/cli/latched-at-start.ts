/**
 * Latched interlocks survive a restart (docs/interlocks.md): `simulate` refuses
 * to run while the room's last session ended latched, unless the operator
 * acknowledges it (--acknowledge-latched --operator NAME); the acknowledgement
 * is journaled with the operator and the journal the latches came from, then
 * sent to the session as the RESET that clears them.
 */
import { stateName, type BridgeSession } from '../bridge/bridge-session.js';
import { carriedLatches, type CarriedLatches } from '../bridge/latch-carryover.js';
import { BridgeError } from '../core/bridge-error.js';
import { resetBlockers } from '../interlock/session-guards.js';

/** The latches to carry from `dir`; throws (exit 2) naming the journal and the ids unless acknowledged by a named operator. */
export function latchesToCarry(dir: string, o: { acknowledgeLatched?: boolean; operatorGiven?: boolean }): CarriedLatches | undefined {
  const carried = carriedLatches(dir);
  if (!carried) {
    if (o.acknowledgeLatched) throw new BridgeError('INPUT_INVALID', `no session in ${dir} ended latched: nothing to acknowledge`, { field: '--acknowledge-latched' });
    return undefined;
  }
  if (!o.acknowledgeLatched) {
    throw new BridgeError('INTERLOCK_LATCHED', `the last session in ${carried.journal} ended latched (${describe(carried)}) and no RESET cleared it: acknowledge with --acknowledge-latched --operator NAME`, {
      field: 'journal', actual: carried.journal,
    });
  }
  if (!o.operatorGiven) throw new BridgeError('INPUT_INVALID', 'acknowledging latched interlocks is an operator action: name the operator', { field: '--operator', limit: 'required with --acknowledge-latched' });
  return carried;
}

/**
 * Journals the acknowledgement and sends the RESET. The session must then be idle; when the
 * statechart refuses the RESET (a latched condition still stands, e.g. the e-stop still pressed)
 * the refusal is returned — an expected outcome that `simulate` reports as bad input (exit 2),
 * naming the interlocks the statechart gave, after stopping the devices.
 */
export function acknowledgeLatched(session: BridgeSession, carried: CarriedLatches, operator: string, log: (l: string) => void, nowMs: () => number): BridgeError | undefined {
  session.note('operator', { type: 'ACKNOWLEDGE_LATCHED', operator, journal: carried.journal, latchedFaults: carried.ids, faultReason: carried.faultReason });
  session.send({ type: 'RESET', operator });
  const state = stateName(session.snapshot.value);
  if (state !== 'idle') {
    // the statechart's own rule, asked why (session-guards: resetAllowed)
    const standing = resetBlockers(session.snapshot.context, { type: 'TICK', atMs: nowMs() });
    const why = standing.length ? `still standing: ${standing.join(', ')}` : `the session stayed in ${state}`;
    return new BridgeError('INTERLOCK_LATCHED', `the RESET of the latches carried from ${carried.journal} (${describe(carried)}) was refused (${why}): clear the condition at the device, then acknowledge again; nothing was delivered`, {
      field: '--acknowledge-latched', actual: state,
    });
  }
  log(`latched interlocks from ${carried.journal} acknowledged by ${operator}: ${describe(carried)}`);
  return undefined;
}

function describe(c: CarriedLatches): string {
  return c.ids.length ? c.ids.join(', ') : `fault: ${c.faultReason ?? 'unnamed'}`;
}
