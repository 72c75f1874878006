/** `linac-bridge log analyze <files…>`: leaf errors, fluence gamma and lag of machine logs. */
import { readMachineLogs } from '../bridge/machine-log-files.js';
import { analyzeLog, DEFAULT_ANALYSIS, type LogAnalysis } from '../domain/logs/log-analysis.js';
import { parsePositive } from './parse-args.js';

export interface LogAnalyzeOptions {
  readonly json?: boolean;
  readonly gammaDose?: string;
  readonly gammaDistance?: string;
  readonly gammaCutoff?: string;
  readonly local?: boolean;
  readonly resolution?: string;
}

const fmt = (v: number | null, d = 3): string => (v === null ? 'n/a (nothing above the cutoff)' : v.toFixed(d));
/** A leaf-error figure: null when the log has no beam-on snapshot. */
const mm = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(3)} mm`);

export async function logAnalyzeCommand(files: string[], o: LogAnalyzeOptions): Promise<number> {
  const g = DEFAULT_ANALYSIS.gamma;
  const opts = {
    gamma: {
      dosePercent: o.gammaDose !== undefined ? parsePositive(o.gammaDose, '--gamma-dose', 100, '%') : g.dosePercent,
      distanceMm: o.gammaDistance !== undefined ? parsePositive(o.gammaDistance, '--gamma-distance', 50, 'mm') : g.distanceMm,
      cutoffPercent: o.gammaCutoff !== undefined ? parsePositive(o.gammaCutoff, '--gamma-cutoff', 100, '%') : g.cutoffPercent,
      local: o.local ?? false,
    },
    fluenceResolutionMm: o.resolution !== undefined ? parsePositive(o.resolution, '--resolution', 10, 'mm') : DEFAULT_ANALYSIS.fluenceResolutionMm,
  };
  const logs: Array<{ file: string } & LogAnalysis> = [];
  for (const l of readMachineLogs(files)) logs.push({ file: l.file, ...(await analyzeLog(l.log, opts)) });
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ logs }, null, 2)}\n`);
    return 0;
  }
  for (const r of logs) {
    process.stdout.write(
      `${r.file}\n  ${r.format} ${r.version}, ${r.mlc}: ${r.snapshots} snapshots (${r.beamOnSnapshots} beam on, unheld), ${r.leaves} leaves (${r.movingLeaves} moving)\n` +
        (r.note ? `  ${r.note}\n` : '') +
        `  leaf error (isocentre): RMS mean ${mm(r.rmsMeanMm)}, RMS max ${mm(r.rmsMaxMm)}, 95th percentile |e| ${mm(r.p95AbsErrorMm)}, max |e| ${mm(r.maxAbsErrorMm)}` +
        `${r.leafLagMs !== null ? `, lag ${fmt(r.leafLagMs, 1)} ms` : ''}\n` +
        `  fluence gamma ${r.gamma.criteria}: pass ${fmt(r.gamma.passPercent, 2)} %, mean ${fmt(r.gamma.mean)}\n`,
    );
  }
  return 0;
}
