/**
 * Interlocks the bridge cannot enforce yet because the plan model does not
 * carry the parameter, the linac protocol does not report it, or the session
 * does not keep what it needs. Most come with the DICOM RT Plan import; no
 * interlock id is reserved for them, so the permit never names an interlock it
 * cannot judge. Listed in docs/interlocks.md.
 */
export interface PlannedInterlock {
  /** The condition that will veto beam-on and terminate a running beam. */
  readonly condition: string;
  /** What the plan model and the readback still lack. */
  readonly needs: string;
  readonly clause: string;
}

export const PLANNED_INTERLOCKS: readonly PlannedInterlock[] = Object.freeze([
  {
    condition: 'radiation type or nominal energy selected on the linac differs from the plan',
    needs: 'beam energy and radiation type in the plan (RT Plan Nominal Beam Energy, Radiation Type) and in the beam status',
    clause: '25 Pa. Code §228.72(1), (2): no irradiation until radiation type and energy are selected and displayed; only the selected type can be emitted',
  },
  {
    condition: 'gantry angle readback differs from the control point',
    needs: 'a gantry readback in the beam protocol (the plan has `gantryDeg`, nothing reports the angle)',
    clause: 'IEC 60601-2-1 termination definition: in moving-beam radiotherapy, exceeding a preset angle terminates (clause unverified); IEC 61217 gantry angle',
  },
  {
    condition: 'collimator (beam-limiting device) angle differs from the plan',
    needs: 'collimator angle in the plan (RT Plan Beam Limiting Device Angle) and a readback',
    clause: 'IEC 61217 beam-limiting device rotation; 25 Pa. Code §228.72(3): room and console selections must agree',
  },
  {
    condition: 'jaw (X/Y diaphragm) positions differ from the plan',
    needs: 'jaw positions in the plan (RT Plan ASYMX/ASYMY control points) and a readback',
    clause: 'TG-142 monthly: jaw position indicators (row not in the domain reference: tolerance unverified)',
  },
  {
    condition: 'the accessory fitted (wedge, electron applicator, block tray) differs from the plan',
    needs: 'accessory codes in the plan (RT Plan Wedge, Applicator, Block Sequences) and an accessory readback',
    clause: '25 Pa. Code §228.72(4): interlocks against X-ray irradiation with electron applicators and electrons with X-ray accessories; IEC 60601-2-1 wedge filters and electron applicators (ed. 2 29.1.8, 29.1.9)',
  },
  {
    condition: 'patient support (couch) angle differs from the plan',
    needs: 'table angles in the plan (RT Plan Patient Support Angle, Table Top Pitch/Roll); the couch readback already has them',
    clause: 'IEC 61217 patient support rotation; TG-142 monthly: couch position indicators 1° (unverified)',
  },
  {
    condition: 'measured dose rate (MU delivered over the beam time) above the planned rate by more than a tolerance',
    needs: 'no DICOM import: the plan has the rate and the readback the MU, but a rate needs MU over time kept in the session context (a statechart change) and a configured tolerance; the armed rate is already checked (IL-PRESET-MISMATCH)',
    clause: 'IEC 60601-2-1: absorbed dose rate interlocks (clause and limits unverified)',
  },
]);
