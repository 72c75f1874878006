/**
 * Puts parsed `--inject` faults into the simulators of a room (docs/qa.md, "Fault injection").
 * Only the command line may reach the simulators, so the appliers live here.
 */
import type { SimRoom } from '../../../simulators/sim-room.js';
import { BridgeError } from '../../core/bridge-error.js';
import type { InjectSpec } from '../../qa/inject/inject-spec.js';

type LeafSpec = Extract<InjectSpec, { kind: 'mlc-leaf' }>;

/**
 * `room.mlc.setLeafFault(bank, n, { offsetMm?, speedMmPerS? })`, merged with what the leaf already has (an
 * offset and a speed limit on one leaf are two specs). A leaf the configured MLC does not have, or a
 * speed the simulator refuses, is INPUT_INVALID naming the spec.
 */
function applyLeafFault(room: SimRoom, spec: LeafSpec, merged: Map<string, { offsetMm?: number; speedMmPerS?: number }>): void {
  const pairs = room.mlc.options.leafPairs;
  if (spec.leaf > pairs) throw new BridgeError('INPUT_INVALID', 'no such leaf on the configured MLC', { field: '--inject', actual: spec.text, limit: `${spec.bank}1..${spec.bank}${pairs}` });
  const key = `${spec.bank}${spec.leaf}`;
  const fault = { ...merged.get(key), ...(spec.offsetMm !== undefined ? { offsetMm: spec.offsetMm } : {}), ...(spec.speedMmPerS !== undefined ? { speedMmPerS: spec.speedMmPerS } : {}) };
  try {
    room.mlc.setLeafFault(spec.bank, spec.leaf, fault);
  } catch (cause) {
    throw new BridgeError('INPUT_INVALID', `the MLC simulator refused the fault: ${(cause as Error).message}`, { field: '--inject', actual: spec.text, limit: 'speedMmPerS > 0', cause });
  }
  merged.set(key, fault);
}

export function applyInjection(room: SimRoom, spec: InjectSpec, leafFaults = new Map<string, { offsetMm?: number; speedMmPerS?: number }>()): void {
  switch (spec.kind) {
    case 'mlc-leaf':
      return applyLeafFault(room, spec, leafFaults);
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
  const leafFaults = new Map<string, { offsetMm?: number; speedMmPerS?: number }>();
  for (const s of specs) applyInjection(room, s, leafFaults);
}
