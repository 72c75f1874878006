/**
 * `linac-bridge registration read <file.dcm|file.json>`: what the bridge makes of
 * a registration, for physicists and tests: the couch correction about the plan
 * isocentre (IEC 61217 table-top axes, mm and degrees), the frames used, the
 * acquisition time and the grade. Exit 2 with the reason when it cannot be used.
 */
import path from 'node:path';
import { readDicomDataset } from '../bridge/registration-sources/folder-source.js';
import { localTimeZone } from '../config/bridge-config.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { BridgeError, isBridgeError } from '../core/bridge-error.js';
import { JSON_LIMITS, parseJsonWithin } from '../core/json-limits.js';
import { planGeometry, type Plan } from '../domain/plan/plan.js';
import { loadPlanFile } from '../domain/plan/validate-plan.js';
import { classifyCorrection } from '../domain/registration/classify-correction.js';
import { isPatientPosition, PATIENT_POSITIONS } from '../domain/registration/patient-position.js';
import { readSpatialRegistration, type PlanGeometry } from '../domain/registration/spatial-registration.js';
import { validateRegistration } from '../domain/registration/validate-registration.js';
import { parseNumberList } from './parse-args.js';
import { readInput } from './read-input.js';

export interface RegistrationReadOptions {
  readonly config?: string;
  readonly plan?: string;
  readonly isocenterLps?: string;
  readonly patientPosition?: string;
  readonly frameUid?: string;
  readonly timeZone?: string;
  readonly protocol?: string;
  readonly json?: boolean;
}

interface Reading {
  readonly message: unknown;
  readonly frames: { registered: string; moving: string } | null;
  readonly notes: string[];
}

function loadPlan(file: string, cfg: LoadedConfig): Plan {
  return loadPlanFile(readInput(file, 'plan', JSON_LIMITS.plan.maxBytes), file, cfg.mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
}

/** The plan geometry from --plan, or from --isocenter-lps and --patient-position (frame: --frame-uid, else the REG's registered frame). */
function geometryFrom(o: RegistrationReadOptions, plan: Plan | undefined, registeredUid: unknown): PlanGeometry {
  if (plan) {
    const g = planGeometry(plan);
    if (!g) throw new BridgeError('INPUT_INVALID', 'the plan has no isocentre, frame of reference or patient position', { field: '--plan', limit: 'isocenterLpsMm, frameOfReferenceUid, patientPosition' });
    return g;
  }
  if (!o.isocenterLps) throw new BridgeError('INPUT_INVALID', 'a DICOM registration needs the plan: --plan, or --isocenter-lps with --patient-position', { field: '--isocenter-lps' });
  if (!isPatientPosition(o.patientPosition)) throw new BridgeError('INPUT_INVALID', 'unknown patient position', { field: '--patient-position', actual: String(o.patientPosition), limit: PATIENT_POSITIONS.join(' | ') });
  const iso = parseNumberList(o.isocenterLps, '--isocenter-lps', 3) as [number, number, number];
  return { isocenterLpsMm: iso, patientPosition: o.patientPosition, frameOfReferenceUid: o.frameUid ?? String(registeredUid ?? '') };
}

function read(file: string, o: RegistrationReadOptions, cfg: LoadedConfig, plan: Plan | undefined): Reading {
  if (path.extname(file).toLowerCase() === '.json') {
    // the same size and depth limits as any registration body, checked before parsing
    const r = parseJsonWithin(readInput(file, 'registration', JSON_LIMITS.registration.maxBytes), 'registration.body', JSON_LIMITS.registration);
    if (!r.ok) throw r.error.code === 'LIMIT_EXCEEDED' ? r.error : new BridgeError('REG_INVALID', `not readable JSON: ${r.error.message}`, { field: file });
    return { message: r.value, frames: null, notes: [] };
  }
  let ds: Record<string, unknown>;
  try {
    ds = readDicomDataset(file);
  } catch (e) {
    throw new BridgeError('REG_INVALID', `not a readable DICOM file: ${(e as Error).message}`, { field: file });
  }
  const geometry = geometryFrom(o, plan, ds.FrameOfReferenceUID);
  const zone = o.timeZone ?? localTimeZone(cfg.bridge);
  const r = readSpatialRegistration(ds, { planId: plan?.planId ?? 'cli', fraction: plan?.fraction ?? 1, geometry, localTimeZone: zone });
  if (plan && r.message.patientId !== plan.patientId) throw new BridgeError('PATIENT_MISMATCH', "not the plan's patient", { field: 'dicom.PatientID', actual: String(r.message.patientId), limit: plan.patientId });
  // without the plan's frame the isocentre is taken to be in the registered frame: say so, it decides the sense
  const notes = !plan && !o.frameUid ? [`plan frame of reference not given: taken to be the registered frame ${r.frames.registered}`] : [];
  return { message: r.message, frames: { registered: r.frames.registered, moving: r.frames.moving }, notes };
}

export function registrationReadCommand(file: string, o: RegistrationReadOptions): number {
  try {
    const cfg = loadConfig(o.config);
    const plan = o.plan ? loadPlan(o.plan, cfg) : undefined;
    const protocol = o.protocol ?? plan?.protocol ?? 'conventional';
    const levels = cfg.bridge.actionLevels[protocol];
    if (!levels) throw new BridgeError('INPUT_INVALID', 'unknown protocol', { field: '--protocol', actual: protocol, limit: Object.keys(cfg.bridge.actionLevels).join(' | ') });
    const { message, frames, notes } = read(file, o, cfg, plan);
    const v = validateRegistration(message, { identity: undefined, nowEpochMs: Number.NaN, maxAgeMs: Number.POSITIVE_INFINITY });
    if (!v.ok) throw v.error;
    const graded = classifyCorrection(v.value.correction, levels, { translationMm: cfg.couch.inPosition.translationMm, rotationDeg: cfg.couch.inPosition.rotationDeg });
    const r6 = (x: number): number => Math.round(x * 1e6) / 1e6 + 0;
    const correction = Object.fromEntries(Object.entries(v.value.correction).map(([k, x]) => [k, r6(x)]));
    const out = { correction, frames, acquiredAt: new Date(v.value.acquiredAtEpochMs).toISOString(), classification: graded.action, reasons: [...notes, ...graded.reasons] };
    if (o.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    else print(out);
    return 0;
  } catch (e) {
    if (!isBridgeError(e)) throw e;
    if (o.json) process.stdout.write(`${JSON.stringify({ error: e.toJSON() }, null, 2)}\n`);
    process.stderr.write(`linac-bridge: ${e.message}\n`);
    return 2;
  }
}

function print(out: { correction: Record<string, number>; frames: Reading['frames']; acquiredAt: string; classification: string; reasons: string[] }): void {
  const c = out.correction;
  process.stdout.write(`correction (IEC 61217 table top, about the isocentre): lat ${c.lateralMm.toFixed(2)} long ${c.longitudinalMm.toFixed(2)} vert ${c.verticalMm.toFixed(2)} mm, pitch ${c.pitchDeg.toFixed(3)} roll ${c.rollDeg.toFixed(3)} yaw ${c.yawDeg.toFixed(3)}°\n`);
  if (out.frames) process.stdout.write(`frames: registered ${out.frames.registered}, moving ${out.frames.moving}\n`);
  process.stdout.write(`acquired ${out.acquiredAt}; ${out.classification}\n`);
  for (const r of out.reasons) process.stdout.write(`- ${r}\n`);
}
