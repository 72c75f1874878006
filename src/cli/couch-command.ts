/**
 * `linac-bridge couch correction`: the couch target for a registration
 * correction, for physicists and tests. mm and degrees, IEC 61217; --shift is
 * the registration's correction about the isocentre in --frame's axes
 * (docs/coordinates.md).
 */
import { loadConfig, loadCouchModel } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import { CORRECTION_FRAMES, type CorrectionFrame } from '../domain/couch/couch-correction.js';
import { couchGeometry, withPivotAt } from '../domain/couch/couch-kinematics.js';
import { planCorrection } from '../domain/couch/plan-correction.js';
import type { Vec3 } from '../domain/couch/rotation.js';
import path from 'node:path';
import { parseNumberList, parsePose } from './parse-args.js';

export interface CouchCorrectionOptions {
  readonly config?: string;
  readonly pose: string;
  readonly shift: string;
  readonly isocenter: string;
  readonly pivot?: string;
  readonly frame?: string;
  readonly couch?: string;
  readonly protocol: string;
  readonly json?: boolean;
}

export function couchCorrectionCommand(o: CouchCorrectionOptions): number {
  const cfg = loadConfig(o.config);
  const model = o.couch ? loadCouchModel(o.couch, path.dirname(cfg.file)) : cfg.couch;
  const levels = cfg.bridge.actionLevels[o.protocol];
  if (!levels) throw new BridgeError('INPUT_INVALID', 'unknown protocol', { field: '--protocol', actual: o.protocol, limit: Object.keys(cfg.bridge.actionLevels).join(' | ') });
  const iso = parseNumberList(o.isocenter, '--isocenter', 3) as [number, number, number];
  const pose = parsePose(o.pose, '--pose');
  if (o.frame !== undefined && !CORRECTION_FRAMES.includes(o.frame as CorrectionFrame)) throw new BridgeError('INPUT_INVALID', 'unknown frame', { field: '--frame', actual: o.frame, limit: CORRECTION_FRAMES.join(' | ') });
  // --pivot: where the pivot is now, room coordinates; default: the model's, carried by the couch to this pose
  const model0 = couchGeometry(model);
  const pivot = o.pivot ? (parseNumberList(o.pivot, '--pivot', 3) as [number, number, number]) : undefined;
  const geometry = pivot ? withPivotAt(model0, pose, [pivot[0] - iso[0], pivot[1] - iso[1], pivot[2] - iso[2]]) : model0;
  const plan = planCorrection(pose, parsePose(o.shift, '--shift'), o.frame as CorrectionFrame | undefined, model, levels, geometry);
  const r6 = (v: number): number => Math.round(v * 1e6) / 1e6;
  const out = {
    target: Object.fromEntries(Object.entries(plan.target).map(([k, v]) => [k, r6(v)])),
    translationMm: plan.translationMm.map(r6),
    classification: plan.classification,
    reasons: plan.reasons,
    residualDeg: plan.residualDeg,
    frame: o.frame ?? null,
    graded: { translation3dMm: r6(plan.graded.translation3dMm ?? 0), rotation3dDeg: r6(plan.graded.rotation3dDeg ?? 0), maxTranslationMm: r6(plan.graded.maxTranslationMm), maxRotationDeg: r6(plan.graded.maxRotationDeg) },
    ...(plan.legLengthsMm ? { legLengthsMm: plan.legLengthsMm.map(r6) } : {}),
    couch: model.id,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const t = plan.target;
    process.stdout.write(`couch ${model.id}: ${plan.classification}\n`);
    process.stdout.write(`target lat ${t.lateralMm.toFixed(2)} long ${t.longitudinalMm.toFixed(2)} vert ${t.verticalMm.toFixed(2)} mm, pitch ${t.pitchDeg.toFixed(3)} roll ${t.rollDeg.toFixed(3)} yaw ${t.yawDeg.toFixed(3)}°\n`);
    process.stdout.write(`table translation ${plan.translationMm.map((v) => v.toFixed(2)).join(', ')} mm\n`);
    for (const r of plan.reasons) process.stdout.write(`- ${r}\n`);
  }
  return plan.classification === 'reject' ? 1 : 0;
}
