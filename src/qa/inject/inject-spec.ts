/**
 * The `--inject <spec>` grammar: known errors put into the simulated hardware
 * so a QA check can be shown to find exactly them (docs/qa.md, "Fault injection").
 *
 *   spec      = target "=" value
 *   mlc.leaf.<A|B><n>.offsetMm=<mm>        leaf n (1-based) of bank A or B stands this far from where it reports
 *   mlc.leaf.<A|B><n>.speedMmPerS=<mm/s>   that leaf moves no faster than this
 *   couch.<axis>.offsetMm|offsetDeg=<x>    the axis stops this far from its target (unit by axis kind)
 *   couch.<axis>.backlashMm|backlashDeg=<x> approached in the negative direction, the axis stops this far short
 *   door.switch=stuck-closed|stuck-open    the door switch reports that whatever the door does
 *   estop.switch=stuck-released|stuck-pressed
 *   beam.channel2.gainError=<fraction>     dose channel 2 reads (1 + x) × channel 1
 *
 * Parsing is pure; an unknown or malformed spec is an INPUT_INVALID naming it.
 */
import { BridgeError } from '../../core/bridge-error.js';
import type { PoseAxis } from '../../core/pose.js';

export type CouchAxisName = 'lateral' | 'longitudinal' | 'vertical' | 'pitch' | 'roll' | 'yaw';

export const COUCH_AXIS: Readonly<Record<CouchAxisName, PoseAxis>> = {
  lateral: 'lateralMm', longitudinal: 'longitudinalMm', vertical: 'verticalMm', pitch: 'pitchDeg', roll: 'rollDeg', yaw: 'yawDeg',
};

export type InjectSpec =
  | { readonly kind: 'mlc-leaf'; readonly bank: 'A' | 'B'; readonly leaf: number; readonly offsetMm?: number; readonly speedMmPerS?: number; readonly text: string }
  | { readonly kind: 'couch-axis'; readonly axis: PoseAxis; readonly fault: 'offset' | 'backlash'; readonly value: number; readonly text: string }
  | { readonly kind: 'door-switch'; readonly stuck: 'closed' | 'open'; readonly text: string }
  | { readonly kind: 'estop-switch'; readonly stuck: 'released' | 'pressed'; readonly text: string }
  | { readonly kind: 'beam-channel2-gain'; readonly gainError: number; readonly text: string };

/** Largest magnitudes accepted (anything beyond is a typo, not a calibration error). */
export const INJECT_LIMITS = { mm: 50, deg: 10, speedMmPerS: 100, gainError: 0.5 } as const;

const bad = (text: string, summary: string, limit?: string): BridgeError => new BridgeError('INPUT_INVALID', summary, { field: '--inject', actual: text, limit });

function number(text: string, raw: string, min: number, max: number, unit: string): number {
  const v = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(v) || v < min || v > max) throw bad(text, `value must be a number in ${unit}`, `${min}..${max}`);
  return v;
}

export function parseInjectSpec(text: string): InjectSpec {
  const eq = text.indexOf('=');
  if (eq < 0) throw bad(text, 'expected <target>=<value>');
  const target = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  const leaf = /^mlc\.leaf\.([AB])(\d{1,3})\.(offsetMm|speedMmPerS)$/.exec(target);
  if (leaf) {
    const n = Number(leaf[2]);
    if (n < 1) throw bad(text, 'leaf numbers are 1-based', '>= 1');
    return leaf[3] === 'offsetMm'
      ? { kind: 'mlc-leaf', bank: leaf[1] as 'A' | 'B', leaf: n, offsetMm: number(text, raw, -INJECT_LIMITS.mm, INJECT_LIMITS.mm, 'mm'), text }
      : { kind: 'mlc-leaf', bank: leaf[1] as 'A' | 'B', leaf: n, speedMmPerS: number(text, raw, 0, INJECT_LIMITS.speedMmPerS, 'mm/s'), text };
  }
  const couch = /^couch\.(lateral|longitudinal|vertical|pitch|roll|yaw)\.(offset|backlash)(Mm|Deg)$/.exec(target);
  if (couch) {
    const axis = COUCH_AXIS[couch[1] as CouchAxisName];
    const unit = axis.endsWith('Deg') ? 'Deg' : 'Mm';
    if (couch[3] !== unit) throw bad(text, `the ${couch[1]} axis is in ${unit === 'Deg' ? 'degrees' : 'millimetres'}`, `couch.${couch[1]}.${couch[2]}${unit}`);
    const max = unit === 'Deg' ? INJECT_LIMITS.deg : INJECT_LIMITS.mm;
    const min = couch[2] === 'backlash' ? 0 : -max;
    return { kind: 'couch-axis', axis, fault: couch[2] as 'offset' | 'backlash', value: number(text, raw, min, max, unit === 'Deg' ? 'deg' : 'mm'), text };
  }
  if (target === 'door.switch') {
    if (raw === 'stuck-closed' || raw === 'stuck-open') return { kind: 'door-switch', stuck: raw === 'stuck-closed' ? 'closed' : 'open', text };
    throw bad(text, 'unknown door switch fault', 'stuck-closed | stuck-open');
  }
  if (target === 'estop.switch') {
    if (raw === 'stuck-released' || raw === 'stuck-pressed') return { kind: 'estop-switch', stuck: raw === 'stuck-released' ? 'released' : 'pressed', text };
    throw bad(text, 'unknown emergency-stop switch fault', 'stuck-released | stuck-pressed');
  }
  if (target === 'beam.channel2.gainError') return { kind: 'beam-channel2-gain', gainError: number(text, raw, -INJECT_LIMITS.gainError, INJECT_LIMITS.gainError, 'fraction'), text };
  throw bad(text, 'unknown fault target', 'mlc.leaf.<A|B><n>.offsetMm|speedMmPerS, couch.<axis>.offsetMm|offsetDeg|backlashMm|backlashDeg, door.switch, estop.switch, beam.channel2.gainError');
}

/** Parses every spec; the first bad one is the error. */
export const parseInjectSpecs = (texts: readonly string[]): InjectSpec[] => texts.map(parseInjectSpec);
