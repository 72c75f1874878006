/**
 * Recovery at start: scans the journal folder for the latest run of a
 * fraction (same patient, plan and fraction) and, when it did not complete,
 * works out what it delivered per beam and segment on both channels.
 *
 * Two figures are read from that journal: the run's fraction record (journaled
 * when the run stopped in order) and the linac's counters (the last readbacks,
 * folded by the same DeliveryLedger as the live record; with the embedded
 * simulators the linac dies with the process, so its last journaled readback
 * is the only record of its counters). Delivered MU is the lower of the two,
 * segment by segment; their difference is reported. A run that resumed an
 * earlier one carries that one's delivery as its baseline, so the latest run
 * of a chain holds the whole fraction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readJournal, type JournalEntry } from '../journal/journal.js';
import { BeamState } from '../protocol/beam-protocol.js';
import { addDeliveries, DeliveryLedger, type BeamDelivery, type RunBeam } from './delivery-ledger.js';
import type { FractionRecord } from './fraction-record.js';
import { journalOrdinal } from './room-ordinal.js';

export interface FractionIdentity {
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
}

export interface RunFound {
  /** Journal file of the run. */
  readonly journal: string;
  readonly startedAtIso: string;
  /** How it ended: its record's outcome, or 'no fraction record' (the process was killed). */
  readonly ended: FractionRecord['outcome'] | 'no fraction record';
  readonly stopReason?: string;
  /** Delivered MU: the lower of `fromRecord` and `fromLinac`, per segment. */
  readonly delivered: BeamDelivery[];
  readonly fromRecord?: BeamDelivery[];
  readonly fromLinac: BeamDelivery[];
  /** Σ (record − linac counters) over segments, primary channel, MU. */
  readonly journalMinusLinacMu: number;
  /** The journal's last line was torn (a crash mid-write); the intact lines were used. */
  readonly tornTail: boolean;
}

interface RunStart {
  readonly file: string;
  readonly entries: JournalEntry[];
  readonly start: JournalEntry;
  readonly tornTail: boolean;
}

/** Every fraction run started in the journal files of `dir` (one per file). */
function runStarts(dir: string): RunStart[] {
  if (!fs.existsSync(dir)) return [];
  const out: RunStart[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    const file = path.join(dir, name);
    let read: ReturnType<typeof readJournal>;
    try {
      read = readJournal(file);
    } catch {
      continue; // unreadable: not a run of ours
    }
    const start = read.entries.filter((e) => e.kind === 'session' && (e.data as { event?: string }).event === 'fraction').pop();
    if (start) out.push({ file, entries: read.entries, start, tornTail: read.tornTail });
  }
  return out;
}

/**
 * The latest run of one fraction. A run that another run resumed is never the latest, whatever the
 * clocks say; among the rest the higher room ordinal wins (room-ordinal.ts: a count, immune to a
 * wall clock set back), then, for journals without one, the later start, and a tie (two starts in
 * one millisecond) goes to the later file name, which carries the start time the journal was named with.
 */
function latestOf(runs: RunStart[]): RunStart | undefined {
  const resumed = new Set(runs.map((r) => (r.start.data as { resumeOf?: string }).resumeOf).filter((f): f is string => !!f).map((f) => path.resolve(f)));
  const heads = runs.filter((r) => !resumed.has(path.resolve(r.file)));
  const ordinal = (r: RunStart): number => journalOrdinal(r.entries) ?? 0;
  const later = (a: RunStart, b: RunStart): boolean =>
    ordinal(a) !== ordinal(b) ? ordinal(a) > ordinal(b) : a.start.atIso > b.start.atIso || (a.start.atIso === b.start.atIso && path.basename(a.file) > path.basename(b.file));
  return (heads.length ? heads : runs).reduce<RunStart | undefined>((a, r) => (!a || later(r, a) ? r : a), undefined);
}

/** The latest run of this fraction in `dir`, or undefined when there is none. */
export function latestRun(dir: string, id: FractionIdentity): RunFound | undefined {
  const best = latestOf(runStarts(dir).filter((r) => isFractionStart(r.start.data, id)));
  return best && summarise(best.file, best.entries, best.start, best.tornTail);
}

/** For each fraction in `dir` whose latest run did not complete, that run. */
export function unfinishedRuns(dir: string): RunFound[] {
  const byFraction = new Map<string, RunStart[]>();
  for (const r of runStarts(dir)) {
    const d = r.start.data as FractionIdentity;
    const key = JSON.stringify([d.patientId, d.planId, d.fraction]);
    byFraction.set(key, [...(byFraction.get(key) ?? []), r]);
  }
  return [...byFraction.values()].map((runs) => latestOf(runs)!).map((b) => summarise(b.file, b.entries, b.start, b.tornTail)).filter((r) => r.ended !== 'complete');
}

function summarise(file: string, entries: JournalEntry[], start: JournalEntry, tornTail: boolean): RunFound {
  const data = start.data as { run: RunBeam[]; baseline: BeamDelivery[] };
  const ledger = new DeliveryLedger(data.run);
  let record: FractionRecord | undefined;
  for (const e of entries) {
    if (e.seq <= start.seq) continue;
    if (e.kind === 'mu-checkpoint') {
      const c = e.data as { beamId: number; state: keyof typeof BeamState; mu1: number; mu2: number };
      ledger.observe({ beamId: c.beamId, state: BeamState[c.state], mu1: c.mu1, mu2: c.mu2 });
    }
    if (e.kind === 'record') record = e.data as FractionRecord;
  }
  const fromLinac = addDeliveries(data.baseline, ledger.delivered());
  const fromRecord = record?.beams.map((b) => ({ beamId: b.id, segments: b.segments.map((s) => ({ index: s.index, mu1: s.deliveredMu, mu2: s.deliveredMu2 ?? 0 })) }));
  const { delivered, differenceMu } = fromRecord ? lowerOf(fromRecord, fromLinac) : { delivered: fromLinac, differenceMu: 0 };
  return {
    journal: file, startedAtIso: start.atIso, ended: record?.outcome ?? 'no fraction record', stopReason: record?.stopReason,
    delivered, fromRecord, fromLinac, journalMinusLinacMu: Math.round(differenceMu * 1000) / 1000, tornTail,
  };
}

/** Segment by segment, the lower of two deliveries (a segment missing from one counts 0 there). */
export function lowerOf(a: readonly BeamDelivery[], b: readonly BeamDelivery[]): { delivered: BeamDelivery[]; differenceMu: number } {
  let differenceMu = 0;
  const ids = [...new Set([...a, ...b].map((x) => x.beamId))];
  const delivered = ids.map((beamId) => {
    const sa = a.find((x) => x.beamId === beamId)?.segments ?? [];
    const sb = b.find((x) => x.beamId === beamId)?.segments ?? [];
    const indices = [...new Set([...sa, ...sb].map((s) => s.index))].sort((x, y) => x - y);
    return {
      beamId,
      segments: indices.map((index) => {
        const x = sa.find((s) => s.index === index) ?? { index, mu1: 0, mu2: 0 };
        const y = sb.find((s) => s.index === index) ?? { index, mu1: 0, mu2: 0 };
        differenceMu += x.mu1 - y.mu1;
        return { index, mu1: Math.min(x.mu1, y.mu1), mu2: Math.min(x.mu2, y.mu2) };
      }),
    };
  });
  return { delivered, differenceMu };
}

function isFractionStart(d: unknown, id: FractionIdentity): boolean {
  const x = d as { event?: string; patientId?: string; planId?: string; fraction?: number };
  return x.event === 'fraction' && x.patientId === id.patientId && x.planId === id.planId && x.fraction === id.fraction;
}
