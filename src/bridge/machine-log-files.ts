/**
 * The file side of machine logs (the codecs are pure, in protocol/logs/):
 * reads trajectory logs (.bin) and DynaLog pairs (A…/B… .dlg given together
 * are one log; a lone file is refused), writes a trajectory log with its JSON
 * summary beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BridgeError } from '../core/bridge-error.js';
import { machineLogFromDynalog } from '../domain/logs/from-dynalog.js';
import { machineLogFromTrajectory } from '../domain/logs/from-trajectory-log.js';
import type { MachineLog } from '../domain/logs/machine-log.js';
import { parseDynalogPair } from '../protocol/logs/dynalog.js';
import type { TrajectoryLog } from '../protocol/logs/trajectory-log.js';
import { decodeTrajectoryLog } from '../protocol/logs/trajectory-log-decode.js';
import { encodeTrajectoryLog } from '../protocol/logs/trajectory-log-encode.js';

export interface LoadedLog {
  /** The file (a DynaLog pair: the A file, the B file after ' + '). */
  readonly file: string;
  readonly log: MachineLog;
  /** The decoded trajectory log, for trajectory files. */
  readonly trajectory?: TrajectoryLog;
}

/**
 * A machine log larger than this is refused before reading, bytes. A trajectory log at 20 ms
 * with 120 leaves holds about 1.2 kB per snapshot: an hour of beam is about 220 MB.
 */
export const MAX_MACHINE_LOG_BYTES = 256 * 1024 * 1024;

/** The file's bytes, refused by its size before reading (a huge or sparse file must not fill memory). */
function readLogBytes(file: string): Buffer {
  const size = fs.statSync(file).size;
  if (size > MAX_MACHINE_LOG_BYTES) throw new BridgeError('LIMIT_EXCEEDED', 'machine log file too large', { field: file, actual: size, limit: MAX_MACHINE_LOG_BYTES, unit: 'bytes' });
  return fs.readFileSync(file);
}

/** A codec's error re-worded to name the file, its code, field and limit said once. */
function inFile(file: string, e: BridgeError): BridgeError {
  return new BridgeError(e.code, `${e.summary} (in ${file})`, { field: e.field, actual: e.actual, limit: e.limit, unit: e.unit });
}

/** Reads a trajectory log file; a bad CRC or layout throws naming the field. */
export function readTrajectoryLogFile(file: string): TrajectoryLog {
  const r = decodeTrajectoryLog(readLogBytes(file));
  if (!r.ok) throw inFile(file, r.error);
  return r.value;
}

/** The A/B partner key of a DynaLog file name: `A1234.dlg` and `B1234.dlg` share `1234.dlg` in the same folder. */
function dynalogKey(file: string): { bank: 'A' | 'B'; key: string } | undefined {
  const base = path.basename(file);
  const m = /^([AB])(.+\.dlg)$/i.exec(base);
  return m ? { bank: m[1].toUpperCase() as 'A' | 'B', key: path.join(path.dirname(file), m[2].toLowerCase()) } : undefined;
}

export function readMachineLogs(files: readonly string[]): LoadedLog[] {
  const out: LoadedLog[] = [];
  const pairs = new Map<string, { A?: string; B?: string }>();
  for (const f of files) {
    if (f.toLowerCase().endsWith('.dlg')) {
      const k = dynalogKey(f);
      if (!k) throw new BridgeError('INPUT_INVALID', 'a DynaLog file name starts with A or B', { field: f, limit: 'A<name>.dlg / B<name>.dlg' });
      const p = pairs.get(k.key) ?? {};
      p[k.bank] = f;
      pairs.set(k.key, p);
      continue;
    }
    const t = readTrajectoryLogFile(f);
    out.push({ file: f, log: machineLogFromTrajectory(t), trajectory: t });
  }
  for (const p of pairs.values()) {
    if (!p.A || !p.B) throw new BridgeError('INPUT_INVALID', 'a DynaLog is a pair: give the A and the B file together', { field: (p.A ?? p.B)!, limit: 'both A and B files' });
    const r = parseDynalogPair(readLogBytes(p.A).toString('latin1'), readLogBytes(p.B).toString('latin1'));
    if (!r.ok) throw inFile(`${p.A} + ${p.B}`, r.error);
    out.push({ file: `${p.A} + ${p.B}`, log: machineLogFromDynalog(r.value) });
  }
  return out;
}

/** Writes `<file>` (trajectory log) and `<file without .bin>.json` (summary); returns both paths. */
export function writeTrajectoryLogFile(file: string, log: TrajectoryLog, summary: object): { bin: string; json: string } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodeTrajectoryLog(log));
  const json = file.replace(/\.bin$/i, '') + '.json';
  fs.writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`);
  return { bin: file, json };
}
