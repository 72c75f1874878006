/**
 * The QA check registry: `qa run <name|daily|monthly>` picks from here. A check is one line:
 * its name, the TG-142 frequencies it belongs to, and its run function (src/qa/qa-rig.ts).
 */
import { BridgeError } from '../../core/bridge-error.js';
import type { QaCheckOptions } from '../qa-rig.js';
import type { QaCheckResult } from '../qa-types.js';
import { runCouchAccuracy } from './couch-accuracy.js';
import { runIgrtEndToEnd } from './igrt-end-to-end.js';
import { runInterlockFunctional } from './interlock-functional.js';
import { runMlcLeafPosition, runMlcLeafSpeed, runMlcSlidingWindow } from './mlc-checks.js';

export type QaFrequency = 'daily' | 'weekly' | 'monthly';

export interface QaCheckDefinition {
  readonly name: string;
  readonly title: string;
  readonly frequencies: readonly QaFrequency[];
  run(o: QaCheckOptions): Promise<QaCheckResult>;
}

export const QA_CHECKS: readonly QaCheckDefinition[] = [
  { name: 'interlock-functional', title: 'Interlocks: door, e-stop, link watchdogs, dose channels, couch moving', frequencies: ['daily', 'monthly'], run: runInterlockFunctional },
  { name: 'igrt-end-to-end', title: 'IGRT end to end: phantom offset, correction, residual', frequencies: ['daily', 'monthly'], run: runIgrtEndToEnd },
  { name: 'couch-accuracy', title: 'Couch 6DOF position accuracy, repeatability and settle', frequencies: ['monthly'], run: (o) => runCouchAccuracy(o) },
  // TG-142 has no daily MLC test; MPPG 8.b's weekly picket fence, TG-142's monthly leaf position,
  // its monthly IMRT leaf speed, and its moving-window IMRT test run monthly here (docs/qa.md)
  { name: 'mlc-leaf-position', title: 'MLC leaf position: picket fence on the portal imager, every leaf', frequencies: ['weekly', 'monthly'], run: runMlcLeafPosition },
  { name: 'mlc-leaf-speed', title: 'MLC leaf speed: both banks swept at the rated speed', frequencies: ['monthly'], run: runMlcLeafSpeed },
  { name: 'mlc-sliding-window', title: 'MLC sliding-window delivery: readback vs plan, delivery log and fluence gamma', frequencies: ['monthly'], run: runMlcSlidingWindow },
];

const FREQUENCIES: readonly QaFrequency[] = ['daily', 'weekly', 'monthly'];

/** A check by name, or every check of a frequency; anything else is INPUT_INVALID naming it. */
export function selectChecks(selector: string, checks: readonly QaCheckDefinition[] = QA_CHECKS): QaCheckDefinition[] {
  if ((FREQUENCIES as readonly string[]).includes(selector)) return checks.filter((c) => c.frequencies.includes(selector as QaFrequency));
  const one = checks.find((c) => c.name === selector);
  if (!one) throw new BridgeError('INPUT_INVALID', 'unknown QA check', { field: 'check', actual: selector, limit: [...FREQUENCIES, ...checks.map((c) => c.name)].join(' | ') });
  return [one];
}
