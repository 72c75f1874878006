/**
 * Picks the transform from the imaged (moving) frame of reference to the plan's,
 * by Frame of Reference UID, never by position in the Registration Sequence.
 *
 * PS3.3 C.20.2.1.1: an item's matrix ᴬM_B maps coordinates of the item's frame B
 * into the Registered RCS A (the REG object's own Frame of Reference UID). With
 * the plan's frame P registered too (ᴬM_P), ᴾM_B = (ᴬM_P)⁻¹ · ᴬM_B (Equation
 * C.20.2-3). The plan's frame must be A or one of the items; exactly one other
 * item frame is the moving one; anything else is refused.
 */
import { BridgeError } from '../../core/bridge-error.js';
import { compose, IDENTITY, invert, isIdentity, type Rigid } from './rigid-transform.js';

export interface RegistrationItem {
  readonly frameUid: string | undefined;
  readonly transform: Rigid;
}

export interface SelectedFrames {
  /** The REG object's Frame of Reference UID (the Registered RCS). */
  readonly registered: string;
  /** The plan's Frame of Reference UID. */
  readonly plan: string;
  /** The imaged frame registered to the plan's (normally the CBCT's). */
  readonly moving: string;
  /** Maps moving-frame LPS coordinates to plan-frame LPS coordinates, mm. */
  readonly movingToPlan: Rigid;
}

const refuse = (field: string, summary: string, extra: { actual?: string; limit?: string } = {}) => new BridgeError('REG_INVALID', summary, { field: `dicom.${field}`, ...extra });

export function selectFrames(items: readonly RegistrationItem[], registeredUid: string, planUid: string): SelectedFrames {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (!it.frameUid) throw refuse(`RegistrationSequence[${i}].FrameOfReferenceUID`, 'missing: items are selected by Frame of Reference UID');
    if (seen.has(it.frameUid)) throw refuse(`RegistrationSequence[${i}].FrameOfReferenceUID`, 'the same frame is registered twice', { actual: it.frameUid });
    seen.add(it.frameUid);
    if (it.frameUid === registeredUid && !isIdentity(it.transform)) throw refuse(`RegistrationSequence[${i}].FrameOfReferenceTransformationMatrix`, 'the registered frame must map to itself by the identity', { actual: it.frameUid });
  });
  const planItem = items.find((it) => it.frameUid === planUid);
  if (planUid !== registeredUid && !planItem) {
    throw refuse('FrameOfReferenceUID', "the plan's frame of reference is neither the registered frame nor registered by this object", { actual: [...new Set([registeredUid, ...seen])].join(', '), limit: planUid });
  }
  const planToRegistered = planUid === registeredUid ? IDENTITY : planItem!.transform;
  const moving = items.filter((it) => it.frameUid !== planUid);
  if (moving.length === 0) throw refuse('RegistrationSequence', "no frame other than the plan's is registered", { limit: 'one moving frame' });
  if (moving.length > 1) throw refuse('RegistrationSequence', 'ambiguous: more than one frame besides the plan\'s is registered', { actual: moving.map((m) => m.frameUid).join(', '), limit: 'one moving frame' });
  return { registered: registeredUid, plan: planUid, moving: moving[0].frameUid!, movingToPlan: compose(invert(planToRegistered), moving[0].transform) };
}
