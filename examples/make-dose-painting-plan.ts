/**
 * Writes examples/dose-painting-sequenced.json: a dose-painting fluence map
 * (24 intensity levels: a target with a boosted sub-volume) sequenced into
 * step-and-shoot segments by the native engine (improved method) for two
 * beams on a Millennium-120-like MLC. The plan's fluence is the map itself;
 * plan validation checks that the segments deliver it exactly.
 * Run: npx tsx examples/make-dose-painting-plan.ts
 */
import fs from 'node:fs';
import { loadMlcModel } from '../src/config/load-config.js';
import type { FluenceMap } from '../src/domain/sequencing/fluence-map.js';
import { sequenceMap } from '../src/domain/sequencing/sequence-map.js';

const ROWS = 12;
const COLS = 16;
const LEVELS = 24;

function paintedMap(boostCol: number): FluenceMap {
  const v = new Int32Array(ROWS * COLS);
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      const target = Math.exp(-(((r - 5.5) / 4.2) ** 4 + ((c - 7.5) / 6) ** 4)); // flat-topped target
      const boost = Math.exp(-(((r - 6) / 1.8) ** 2 + ((c - boostCol) / 2.2) ** 2)); // the painted sub-volume
      v[r * COLS + c] = Math.round(Math.min(1, 0.55 * target + 0.45 * boost) * LEVELS);
    }
  }
  return { rows: ROWS, cols: COLS, values: v };
}

const mlc = loadMlcModel('millennium-120');
const beams = [];
for (const [id, name, gantryDeg, boostCol] of [[1, 'RAO G030', 30, 9], [2, 'LAO G330', 330, 6]] as const) {
  const map = paintedMap(boostCol);
  const s = await sequenceMap(map, mlc, { method: 'improved', interleaf: false, tongueGroove: false, bixelWidthMm: 5, doseRateMuPerMin: 600, minSegmentMu: 1, minOpenAreaMm2: 0, segmentOverheadS: 0.5, budgetWork: 2000 });
  beams.push({
    id, name, gantryDeg, doseRateMuPerMin: 600,
    grid: { bixelWidthMm: 5, originMm: -40, firstLeafPair: 24, rows: ROWS, cols: COLS },
    segments: s.segments.map((x) => ({ mu: x.mu, rows: x.rows })),
    fluence: Array.from({ length: ROWS }, (_, r) => Array.from(map.values.subarray(r * COLS, (r + 1) * COLS))),
  });
  console.log(`beam ${id}: levels 0..${s.levels}, TNMU ${s.tnmu} (bound ${s.tnmuLowerBound}), ${s.segmentCount} segments (lower bound ${s.segmentLowerBound})`);
}
const plan = { patientId: 'PHANTOM-002', patientName: 'Phantom^DosePainting', planId: 'DP-BOOST-2B', fraction: 1, protocol: 'conventional', mlcModel: 'millennium-120', beams };
fs.writeFileSync(new URL('./dose-painting-sequenced.json', import.meta.url), `${JSON.stringify(plan)}\n`);
