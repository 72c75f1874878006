/**
 * Puts parsed `--inject` faults into the simulators of a room (docs/qa.md, "Fault injection").
 * Only the command line may reach the simulators, so the appliers live here.
 */
import type { SimRoom } from '../../../simulators/sim-room.js';
import { BridgeError } from '../../core/bridge-error.js';
import type { InjectSpec } from '../../qa/inject/inject-spec.js';

/** The MLC simulator's leaf-fault hook (added by the MLC QA work; absent until it lands). */
type LeafFaultHook = (bank: 'A' | 'B', leafNumber1Based: number, fault: { offsetMm?: number; speedMmPerS?: number }) => void;

export function applyInjection(room: SimRoom, spec: InjectSpec): void {
  switch (spec.kind) {
    case 'mlc-leaf': {
      const hook = (room.mlc as unknown as { setLeafFault?: LeafFaultHook }).setLeafFault;
      if (typeof hook !== 'function') throw new BridgeError('INPUT_INVALID', 'MLC leaf faults are not yet available in the MLC simulator', { field: '--inject', actual: spec.text });
      hook.call(room.mlc, spec.bank, spec.leaf, { offsetMm: spec.offsetMm, speedMmPerS: spec.speedMmPerS });
      return;
    }
    case 'couch-axis':
      room.couch.faults[spec.fault][spec.axis] = spec.value;
      return;
    case 'door-switch':
      room.beam.sensors.doorSwitch = spec.stuck === 'closed' ? 'stuck-closed' : 'stuck-open';
      return;
    case 'estop-switch':
      room.beam.sensors.estopSwitch = spec.stuck === 'released' ? 'stuck-released' : 'stuck-pressed';
      return;
    case 'beam-channel2-gain':
      room.beam.sensors.channel2GainError = spec.gainError;
      return;
  }
}

export function applyInjections(room: SimRoom, specs: readonly InjectSpec[]): void {
  for (const s of specs) applyInjection(room, s);
}
