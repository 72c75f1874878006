/** A QA rig on the simulators for tests, with faults injected by `--inject` specs. */
import { startSimRig, type SimRig } from '../../src/cli/qa/sim-rig.js';
import { loadConfig } from '../../src/config/load-config.js';
import { parseInjectSpecs } from '../../src/qa/inject/inject-spec.js';
import type { QaCheckOptions } from '../../src/qa/qa-rig.js';
import { relaxedLinks } from './relaxed-links.js';
import { loadToleranceTable, type ToleranceRow, type ToleranceTable } from '../../src/qa/tolerance-table.js';

export const qaConfig = loadConfig();
export const records: Array<{ kind: string; data: unknown }> = [];

/** Physics 20× faster than real time: a couch move of seconds takes a fraction of one. */
export const QA_TIME_SCALE = 20;

/**
 * `relaxed`: link timing with room for a loaded 2-core machine (relaxed-links.ts), for
 * tests about another interlock, which a link going stale for a moment would otherwise mask.
 */
export async function startQaSim(inject: readonly string[] = [], o: { relaxed?: boolean } = {}): Promise<SimRig> {
  const config = o.relaxed ? { ...qaConfig, bridge: structuredClone(qaConfig.bridge) } : qaConfig;
  if (o.relaxed) relaxedLinks(config.bridge);
  return startSimRig(config, { timeScale: QA_TIME_SCALE, inject: parseInjectSpecs(inject), journal: { append: (kind, data) => void records.push({ kind, data }) } });
}

export function checkOptions(sim: SimRig, srs = false, extra: Partial<QaCheckOptions> = {}): QaCheckOptions {
  return { rig: sim.rig, tolerances: loadToleranceTable(), srs, operator: 'test-physicist', progress: () => undefined, ...extra };
}

/** The default table with some rows replaced (as a clinic file would tighten them). */
export function tightened(rows: Record<string, Partial<ToleranceRow>>): ToleranceTable {
  const t = loadToleranceTable();
  return { ...t, rows: { ...t.rows, ...Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, { ...t.rows[k], ...r }])) } };
}
