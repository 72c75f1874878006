/**
 * DICOM RT Plan import of the largest fixture plan (dicompyler, 4 sliding-window
 * beams, 384 control points, 306 kB): the bridge's whole import (parse,
 * naturalize, control points filled forward, MLC matched) and the plan checks,
 * against dcmjs's own parse of the same bytes (DicomMessage.readFile, the
 * in-run baseline) and parse + naturalize. Bounded in count and time.
 */
import fs from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { DEFAULT_MACHINE } from '../src/config/bridge-config.js';
import { loadAllMlcModels, loadMlcModel } from '../src/config/load-config.js';
import { PROJECT_ROOT } from '../src/core/project-root.js';
import { importRtPlanBytes } from '../src/domain/plan/dicom/import-rt-plan.js';
import { checkPlan } from '../src/domain/plan/plan-checks.js';
import { fmt, time } from './timing.js';

const DIR = path.join(PROJECT_ROOT, 'test/fixtures/rtplan');

function largestPlan(): string {
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.dcm')).map((f) => path.join(DIR, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}

export function benchRtplan(): Record<string, unknown>[] {
  const file = largestPlan();
  const bytes = fs.readFileSync(file);
  const ab = () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const models = loadAllMlcModels();
  const plan = importRtPlanBytes(bytes, models);
  const ctx = { machine: { beams: DEFAULT_MACHINE.beams.map((b) => ({ ...b })), jawTravel: { minMm: -200, maxMm: 200 } }, mlc: loadMlcModel(plan.beams[0].mlc!.model), delivery: { maxMuPerBeam: 999, minMuPerBeam: 1, minMuPerSegment: 1 } };
  const budget = { maxCalls: 200, maxMs: 8_000 };
  const baseline = time(() => dcmjs.data.DicomMessage.readFile(ab()), budget);
  const naturalized = time(() => dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(ab()).dict), budget);
  const imported = time(() => importRtPlanBytes(bytes, models), budget);
  const checked = time(() => checkPlan(plan, ctx), budget);
  const cps = plan.beams.reduce((s, b) => s + b.controlPoints.length, 0);
  const row = (what: string, t: ReturnType<typeof time>) => ({ what, file: path.basename(file), kB: Math.round(bytes.length / 1024), controlPoints: cps, calls: t.calls, msPerCall: fmt(t.msPerCall), p50Ms: fmt(t.p50Ms), p99Ms: fmt(t.p99Ms), vsDcmjsParse: fmt(t.msPerCall / baseline.msPerCall, 3) });
  return [row('dcmjs readFile (baseline)', baseline), row('dcmjs readFile + naturalize', naturalized), row('importRtPlanBytes (bridge)', imported), row('checkPlan (all control points)', checked)];
}
