/** `simulate --log-dir`: writes each beam's delivery log and JSON summary, with its analysis, and says where. */
import path from 'node:path';
import type { DeliveryLogger } from '../bridge/delivery-logger.js';
import { writeTrajectoryLogFile } from '../bridge/machine-log-files.js';
import { machineLogFromTrajectory } from '../domain/logs/from-trajectory-log.js';
import { analyzeLog, type LogAnalysis } from '../domain/logs/log-analysis.js';
import type { Plan } from '../domain/plan/plan.js';

export interface WrittenLog {
  readonly beamId: number;
  readonly file: string;
  readonly summary: string;
  readonly analysis: LogAnalysis;
}

export async function writeDeliveryLogs(dir: string, plan: Plan, logger: DeliveryLogger, log: (line: string) => void): Promise<WrittenLog[]> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out: WrittenLog[] = [];
  for (const b of logger.logs(plan.fraction)) {
    const analysis = await analyzeLog(machineLogFromTrajectory(b.log));
    const file = path.join(dir, `${plan.planId}-fx${plan.fraction}-beam${b.beamId}-${stamp}.bin`);
    const written = writeTrajectoryLogFile(file, b.log, { ...b.summary, log: path.basename(file), analysis });
    out.push({ beamId: b.beamId, file: written.bin, summary: written.json, analysis });
    log(`log beam ${b.beamId}: ${path.relative(process.cwd(), written.bin)} (${analysis.snapshots} snapshots, leaf RMS max ${analysis.rmsMaxMm?.toFixed(3) ?? 'n/a'} mm, max |e| ${analysis.maxAbsErrorMm?.toFixed(3) ?? 'n/a'} mm, gamma ${analysis.gamma.criteria} ${analysis.gamma.passPercent?.toFixed(2) ?? '—'} %)`);
  }
  return out;
}
