/**
 * Rebuilds the treatment record of the fraction in one journal: after a bridge was killed
 * (SIGKILL, power loss) mid-fraction, or when the record could not be written (a full disk).
 *
 *   journal ─▶ last `session fraction` (identity, run, baseline, the plan or --plan)
 *           ─▶ `mu-checkpoint`s after it ─▶ DeliveryLedger (the rule of the live record and of
 *              fraction-recovery.ts) ─▶ delivered MU per beam and segment on both channels
 *           ─▶ the run's `record` when it ended in order; else outcome interrupted, stop reason
 *              BRIDGE_LOST (termination UNKNOWN / BRIDGE-LOST): what the linac had counted at the
 *              last journaled readback, a partial beam recorded as partial
 *
 * Control points carry the plan's leaves and the time of the last journaled readback: MLC and
 * couch readback are not journaled per sample (docs/treatment-record.md). Bad input (not a
 * journal, a corrupt line, no fraction, a checkpoint or plan that does not parse) is
 * INPUT_INVALID naming the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadMlcModel, type LoadedConfig } from '../config/load-config.js';
import { issueKeyPath, issueSummary } from '../config/zod-issue.js';
import { BridgeError, isBridgeError } from '../core/bridge-error.js';
import { fromJsonPlan } from '../domain/plan/json-plan.js';
import type { Plan } from '../domain/plan/plan.js';
import { validatePlan } from '../domain/plan/validate-plan.js';
import { readJournal, type JournalEntry } from '../journal/journal.js';
import { BeamState } from '../protocol/beam-protocol.js';
import { addDeliveries, DeliveryLedger } from './delivery-ledger.js';
import type { FractionRecord } from './fraction-record.js';
import type { LoadedPlan } from './plan-source.js';
import { beamRecords } from './record-builder.js';
import { BRIDGE_LOST, type RecordSource } from './treatment-record-source.js';

const Index = z.number().int().min(0);
const Mu = z.number().finite().min(0);
const FractionStart = z.object({
  patientId: z.string().min(1), planId: z.string().min(1), fraction: z.number().int().min(1),
  run: z.array(z.object({ beamId: Index, segments: z.array(z.object({ index: Index, mu: Mu })) })),
  baseline: z.array(z.object({ beamId: Index, segments: z.array(z.object({ index: Index, mu1: Mu, mu2: Mu })) })),
  plan: z.unknown().optional(),
});
/** The run's own fraction record, as far as the treatment record reads it. */
const JournaledRecord = z.object({
  patientId: z.string(), planId: z.string(), fraction: z.number().int().min(1), outcome: z.enum(['complete', 'aborted', 'fault', 'timeout', 'held', 'interrupted']),
  startedAt: z.string(), endedAt: z.string(), holds: z.array(z.object({ causes: z.array(z.string()) }).passthrough()),
  beams: z.array(z.object({ id: Index, plannedMu: Mu, deliveredMu1: Mu, deliveredMu2: Mu, muWithinTolerance: z.boolean(), segments: z.array(z.object({ index: Index, deliveredMu: Mu, deliveredMu2: Mu }).passthrough()) }).passthrough()),
}).passthrough();
const STATES = Object.keys(BeamState).filter((k) => Number.isNaN(Number(k))) as [string, ...string[]];
const Checkpoint = z.object({ beamId: Index, state: z.enum(STATES), mu1: Mu, mu2: Mu });

export interface LastCheckpoint {
  readonly seq: number;
  readonly atIso: string;
  readonly beamId: number;
  readonly state: string;
  readonly mu1: number;
  readonly mu2: number;
}

export interface RebuiltRecord {
  /** What the treatment record is written from (writeTreatmentRecord). */
  readonly source: RecordSource;
  /** 'record': the run journaled its fraction record; 'lost': it did not (killed), rebuilt from the readback. */
  readonly ended: 'record' | 'lost';
  /** The last two journaled linac readbacks of the fraction (the record's MU is the last's). */
  readonly lastCheckpoints: readonly LastCheckpoint[];
  readonly tornTail: boolean;
}

const invalid = (field: string, summary: string, actual?: string | number) => new BridgeError('INPUT_INVALID', summary, { field, ...(actual === undefined ? {} : { actual }) });

function readEntries(file: string): { entries: JournalEntry[]; tornTail: boolean } {
  let read: ReturnType<typeof readJournal>;
  try {
    if (!fs.statSync(file).isFile()) throw invalid('journal', `not a file: ${file}`);
    read = readJournal(file);
  } catch (e) {
    if (isBridgeError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw invalid('journal', `cannot read the journal ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  // a torn last line is what a crash leaves; a corrupt line before it is damage: nothing after it can be trusted
  if (read.corruptLines.length) throw invalid(`journal line ${read.corruptLines[0]}`, `${path.basename(file)}: line ${read.corruptLines[0]} is not an intact journal record (CRC-32 or JSON)`);
  if (read.entries.length === 0) throw invalid('journal', `${path.basename(file)} holds no journal record${read.tornTail ? ' (only a torn line)' : ''}`);
  return read;
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw invalid(`${field}.${issueKeyPath(issue)}`, issueSummary(issue));
}

/** The plan: the one the journal carries (`start`), else the one given (checked against the journal's identity). */
function planOf(start: z.infer<typeof FractionStart>, seq: number, cfg: LoadedConfig, mlcId: string | undefined, given: LoadedPlan | undefined): LoadedPlan {
  const field = `session fraction (seq ${seq}).plan`;
  if (given) {
    const p = given.plan;
    for (const k of ['patientId', 'planId', 'fraction'] as const) {
      if (p[k] !== start[k]) throw new BridgeError('INPUT_INVALID', `the plan's ${k} ${p[k]} is not the journal's ${start[k]}`, { field: `--plan.${k}`, actual: String(p[k]), limit: String(start[k]) });
    }
    return given;
  }
  if (start.plan === undefined) throw invalid(field, 'this journal does not carry its plan (a `simulate` run): give it with --plan');
  const mlc = mlcId && mlcId !== cfg.mlc.id ? loadMlcModel(mlcId, path.dirname(cfg.file)) : cfg.mlc;
  let plan: Plan;
  try {
    plan = validatePlan(start.plan, mlc, Object.keys(cfg.bridge.actionLevels), cfg.bridge.delivery);
  } catch (e) {
    if (!isBridgeError(e)) throw e;
    const sub = (e.field ?? '').replace(/^plan\.?/, ''); // the validator names fields from the plan's root as `plan.…`
    throw new BridgeError('INPUT_INVALID', e.summary, { field: sub ? `${field}.${sub}` : field, limit: e.limit, actual: e.actual });
  }
  return { format: 'json', plan, model: fromJsonPlan(plan, mlc) };
}

export async function recordFromJournal(file: string, cfg: LoadedConfig, o: { plan?: LoadedPlan; manufacturer: string }): Promise<RebuiltRecord> {
  const { entries, tornTail } = readEntries(file);
  const startEntry = entries.filter((e) => e.kind === 'session' && (e.data as { event?: unknown })?.event === 'fraction').pop();
  if (!startEntry) throw invalid('session fraction', `${path.basename(file)} records no fraction (no \`session\` entry with event \`fraction\`): nothing was delivered under it`);
  const start = parsed(FractionStart, startEntry.data, `session fraction (seq ${startEntry.seq})`);
  const mlcId = (entries.find((e) => e.kind === 'session' && (e.data as { event?: unknown })?.event === 'start')?.data as { mlcModel?: string } | undefined)?.mlcModel;
  const loaded = planOf(start, startEntry.seq, cfg, mlcId, o.plan);
  const ledger = new DeliveryLedger(start.run);
  const after = entries.filter((e) => e.seq > startEntry.seq);
  const checkpoints: LastCheckpoint[] = [];
  let record: FractionRecord | undefined;
  let operator: string | undefined;
  for (const e of after) {
    if (e.kind === 'mu-checkpoint') {
      const c = parsed(Checkpoint, e.data, `mu-checkpoint (seq ${e.seq})`);
      ledger.observe({ beamId: c.beamId, state: BeamState[c.state as keyof typeof BeamState], mu1: c.mu1, mu2: c.mu2 });
      checkpoints.push({ seq: e.seq, atIso: e.atIso, ...c });
    }
    if (e.kind === 'record') record = parsed(JournaledRecord, e.data, `record (seq ${e.seq})`) as unknown as FractionRecord;
    const op = e.data as { type?: unknown; operator?: unknown };
    if (e.kind === 'operator' && op?.type === 'BEAM_ON' && typeof op.operator === 'string') operator ??= op.operator;
  }
  const last = after[after.length - 1] ?? startEntry;
  const lastReadback = checkpoints[checkpoints.length - 1];
  if (!record) {
    const delivered = addDeliveries(start.baseline, ledger.delivered());
    const beams = await beamRecords(loaded.plan, delivered, () => undefined, cfg.bridge.tolerances.deliveredMuToleranceMu);
    const why = `${BRIDGE_LOST} (its journal ends at seq ${last.seq}, ${last.atIso}${lastReadback ? `; last linac readback seq ${lastReadback.seq}, ${lastReadback.atIso}` : '; no linac readback journaled'})`;
    record = {
      patientId: start.patientId, planId: start.planId, fraction: start.fraction, outcome: 'interrupted', stopReason: why,
      startedAt: startEntry.atIso, endedAt: lastReadback?.atIso ?? last.atIso, beams, holds: [], framesRejected: { mlc: 0, couch: 0, beam: 0 }, journal: file,
    };
  }
  return {
    source: { record, model: loaded.model, format: loaded.format, operator: operator ?? 'unknown', config: cfg, manufacturer: o.manufacturer },
    ended: after.some((e) => e.kind === 'record') ? 'record' : 'lost',
    lastCheckpoints: checkpoints.slice(-2),
    tornTail,
  };
}
