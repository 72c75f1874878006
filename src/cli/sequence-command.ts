/**
 * `linac-bridge sequence <map.csv> --mlc <model> --method <name>`: fluence map
 * to segments (engel | improved | sweep) or sliding-window control points.
 * The JSON form is a contract used by the QA and planning tools: keep it stable.
 */
import { DEFAULT_CONFIG_DIR, loadConfig, loadMlcModel } from '../config/load-config.js';
import { BridgeError } from '../core/bridge-error.js';
import { parseFluenceCsv } from '../domain/sequencing/fluence-map.js';
import { sequenceMap, type StepAndShootMethod } from '../domain/sequencing/sequence-map.js';
import { slidingWindow } from '../domain/sequencing/sliding-window.js';
import path from 'node:path';
import { parseNumber, parsePositive } from './parse-args.js';
import { readInput } from './read-input.js';

export interface SequenceCliOptions {
  readonly config?: string;
  readonly mlc?: string;
  readonly method: string;
  readonly interdigitation: boolean; // commander: --no-interdigitation sets false
  readonly tongueGroove?: boolean;
  readonly json?: boolean;
  readonly doseRate: string;
  readonly bixelMm: string;
  readonly rowMm?: string;
  readonly minSegmentMu: string;
  readonly minOpenAreaMm2: string;
  readonly budgetWork?: string;
  /** Method exact only (its proof search stops on wall-clock time); refused otherwise, so that the default's results never depend on machine load. */
  readonly budgetMs?: string;
}

const METHODS = ['engel', 'improved', 'exact', 'sweep', 'sliding-window'] as const;

export async function sequenceCommand(file: string, o: SequenceCliOptions): Promise<number> {
  if (!METHODS.includes(o.method as (typeof METHODS)[number])) throw new BridgeError('INPUT_INVALID', 'unknown method', { field: '--method', actual: o.method, limit: METHODS.join(' | ') });
  const configDir = o.config ? path.dirname(o.config) : DEFAULT_CONFIG_DIR;
  const mlc = loadMlcModel(o.mlc ?? loadConfig(o.config).bridge.mlcModel, configDir);
  const map = parseFluenceCsv(readInput(file, 'map', 16 * 1024 * 1024), path.basename(file));
  const bixelWidthMm = parsePositive(o.bixelMm, '--bixel-mm', 50);
  const doseRateMuPerMin = parsePositive(o.doseRate, '--dose-rate', 2400);
  if (o.method === 'sliding-window') {
    if (map.rows > mlc.leafPairs) throw new BridgeError('INPUT_INVALID', 'more rows than the MLC has leaf pairs', { field: 'map.rows', actual: map.rows, limit: mlc.leafPairs });
    const maxBixelErrorMu = loadConfig(o.config).bridge.sequencing.slidingWindowMaxBixelErrorMu;
    const sw = slidingWindow(map, { bixelWidthMm, maxLeafSpeedMmPerS: mlc.maxLeafSpeedMmPerS, doseRateMuPerMin, minGapMm: mlc.minGapMm, originMm: (-map.cols * bixelWidthMm) / 2, maxBixelErrorMu, firstLeafPair: Math.floor((mlc.leafPairs - map.rows) / 2) });
    const out = { method: 'sliding-window', rows: map.rows, cols: map.cols, totalMu: sw.totalMu, analyticMinimumMu: sw.analyticMinimumMu, muPerBixelTravel: sw.muPerBixelTravel, maxLeafSpeedMmPerS: sw.maxLeafSpeedMmPerS, speedLimitMmPerS: mlc.maxLeafSpeedMmPerS, maxAbsErrorMu: sw.maxAbsErrorMu, maxBixelErrorMu, errorPerBixelMu: sw.errorPerBixelMu, controlPoints: sw.controlPoints };
    if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`sliding window: ${sw.totalMu.toFixed(2)} MU (analytic minimum ${sw.analyticMinimumMu.toFixed(2)}), ${sw.controlPoints.length} control points, max leaf speed ${sw.maxLeafSpeedMmPerS.toFixed(2)} mm/s (limit ${mlc.maxLeafSpeedMmPerS}), max fluence error ${sw.maxAbsErrorMu.toFixed(3)} MU\n`);
    return 0;
  }
  if (o.budgetMs !== undefined && o.method !== 'exact') throw new BridgeError('INPUT_INVALID', '--budget-ms is accepted only by --method exact: the other searches are bounded by work so that the same map gives the same segments on any machine; use --budget-work <rollouts>', { field: '--budget-ms', actual: o.budgetMs, limit: '--budget-work <n> (default 400)' });
  const out = await sequenceMap(map, mlc, {
    method: o.method as StepAndShootMethod,
    interleaf: o.interdigitation === false,
    tongueGroove: o.tongueGroove === true,
    bixelWidthMm,
    rowHeightMm: o.rowMm ? parsePositive(o.rowMm, '--row-mm', 50) : undefined,
    doseRateMuPerMin,
    minSegmentMu: parseNumber(o.minSegmentMu, '--min-segment-mu', { min: 0, max: 1000, unit: 'MU' }),
    minOpenAreaMm2: parseNumber(o.minOpenAreaMm2, '--min-open-area-mm2', { min: 0, max: 1e6, unit: 'mm2' }),
    segmentOverheadS: 0.5,
    budgetMs: o.budgetMs !== undefined ? parseNumber(o.budgetMs, '--budget-ms', { min: 1, max: 3_600_000, unit: 'ms' }) : undefined,
    budgetWork: o.budgetWork !== undefined ? parseNumber(o.budgetWork, '--budget-work', { min: 0, max: 100_000_000, unit: 'rollouts', integer: true }) : undefined,
  });
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`${out.method}: ${out.rows}×${out.cols}, levels 0..${out.levels}\n`);
    process.stdout.write(`TNMU ${out.tnmu} (bound ${out.tnmuLowerBound}; unconstrained ${out.unconstrainedTnmu}), segments ${out.segmentCount} (lower bound ${out.segmentLowerBound}${out.sweepSegmentLowerBound !== undefined ? `; ${out.sweepSegmentLowerBound} for unidirectional sweeps` : ''}), exact ${out.exact}${out.method === 'exact' ? ` (segment count ${out.exact ? 'proven minimal' : `not proven within ${out.budgetMs} ms`})` : ''}, ${out.ms.toFixed(2)} ms\n`);
    for (const [name, c] of Object.entries(out.constraints)) process.stdout.write(`  ${name}: ${JSON.stringify(c)}\n`);
    process.stdout.write(`delivery ≈ ${out.delivery.totalS.toFixed(1)} s (beam-on ${out.delivery.beamOnS.toFixed(1)}, leaf travel ${out.delivery.leafTravelS.toFixed(1)}, overhead ${out.delivery.overheadS.toFixed(1)})\n`);
  }
  return 0;
}
