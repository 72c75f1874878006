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

/** Journals the acknowledgement and sends the RESET; the session must then be idle, or nothing runs. */
export function acknowledgeLatched(session: BridgeSession, carried: CarriedLatches, operator: string, log: (l: string) => void): void {
  session.note('operator', { type: 'ACKNOWLEDGE_LATCHED', operator, journal: carried.journal, latchedFaults: carried.ids, faultReason: carried.faultReason });
  session.send({ type: 'RESET', operator });
  const state = stateName(session.snapshot.value);
  if (state !== 'idle') {
    throw new BridgeError('PERMIT_DENIED', `the RESET of the latches carried from ${carried.journal} was refused: the session is in ${state}`, { field: 'RESET', actual: state });
  }
  log(`latched interlocks from ${carried.journal} acknowledged by ${operator}: ${describe(carried)}`);
}

function describe(c: CarriedLatches): string {
  return c.ids.length ? c.ids.join(', ') : `fault: ${c.faultReason ?? 'unnamed'}`;
}
