import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/core/bridge-error.js';
import { parseInjectSpec, parseInjectSpecs } from '../../../src/qa/inject/inject-spec.js';

function refusal(text: string): BridgeError {
  try {
    parseInjectSpec(text);
  } catch (e) {
    return e as BridgeError;
  }
  throw new Error(`accepted ${text}`);
}

describe('--inject grammar', () => {
  it.each([
    ['mlc.leaf.A17.offsetMm=0.8', { kind: 'mlc-leaf', bank: 'A', leaf: 17, offsetMm: 0.8 }],
    ['mlc.leaf.B3.speedMmPerS=15', { kind: 'mlc-leaf', bank: 'B', leaf: 3, speedMmPerS: 15 }],
    ['couch.lateral.backlashMm=0.6', { kind: 'couch-axis', axis: 'lateralMm', fault: 'backlash', value: 0.6 }],
    ['couch.pitch.offsetDeg=0.3', { kind: 'couch-axis', axis: 'pitchDeg', fault: 'offset', value: 0.3 }],
    ['couch.vertical.offsetMm=-1.25', { kind: 'couch-axis', axis: 'verticalMm', fault: 'offset', value: -1.25 }],
    ['door.switch=stuck-closed', { kind: 'door-switch', stuck: 'closed' }],
    ['estop.switch=stuck-released', { kind: 'estop-switch', stuck: 'released' }],
    ['beam.channel2.gainError=0.05', { kind: 'beam-channel2-gain', gainError: 0.05 }],
  ])('reads %s as a typed fault', (text, spec) => {
    expect(parseInjectSpec(text)).toEqual({ ...spec, text });
  });

  it.each([
    ['mlc.leaf.C1.offsetMm=1', 'an unknown bank'],
    ['couch.lateral.gainMm=1', 'an unknown couch fault'],
    ['laser.offsetMm=1', 'an unknown device'],
    ['door.switch=wedged', 'an unknown switch fault'],
    ['couch.lateral.offsetMm', 'no value'],
    ['couch.lateral.offsetMm=abc', 'a value that is not a number'],
    ['couch.lateral.offsetMm=1e3', 'a value in exponent form'],
    ['couch.pitch.offsetMm=0.3', 'a rotation given in millimetres'],
    ['couch.lateral.offsetDeg=0.3', 'a translation given in degrees'],
    ['couch.lateral.backlashMm=-0.5', 'a negative backlash'],
    ['mlc.leaf.A0.offsetMm=0.5', 'leaf 0 (leaves are numbered from 1)'],
    ['couch.roll.offsetDeg=45', 'an implausible size'],
  ])('refuses %s (%s) naming the spec', (text) => {
    const e = refusal(text);
    expect(e).toBeInstanceOf(BridgeError);
    expect(e).toMatchObject({ code: 'INPUT_INVALID', field: '--inject', actual: text });
  });

  it('parses repeated specs in order and stops at the first bad one', () => {
    expect(parseInjectSpecs(['door.switch=stuck-open', 'couch.yaw.offsetDeg=0.2']).map((s) => s.kind)).toEqual(['door-switch', 'couch-axis']);
    expect(() => parseInjectSpecs(['door.switch=stuck-open', 'nonsense=1'])).toThrow(/nonsense=1/);
  });
});
