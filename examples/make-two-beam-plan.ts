/**
 * Writes examples/two-beam-step-and-shoot.json: a phantom prostate-like plan
 * with two step-and-shoot beams on a Millennium-120-like MLC. Apertures are
 * nested ellipses (a "pyramid" fluence); the fluence is their weighted sum.
 * Run: npx tsx examples/make-two-beam-plan.ts
 */
import fs from 'node:fs';

type Row = [number, number] | null;
const ROWS = 12;
const COLS = 16;

function ellipse(rx: number, ry: number, cx = (COLS - 1) / 2, cy = (ROWS - 1) / 2): Row[] {
  return Array.from({ length: ROWS }, (_, r) => {
    const dy = (r - cy) / ry;
    if (Math.abs(dy) > 1) return null;
    const half = rx * Math.sqrt(1 - dy * dy);
    const first = Math.max(0, Math.ceil(cx - half));
    const last = Math.min(COLS - 1, Math.floor(cx + half));
    return first <= last ? ([first, last] as Row) : null;
  });
}

function beam(id: number, name: string, gantryDeg: number, shapes: Array<{ mu: number; rows: Row[] }>) {
  const fluence = Array.from({ length: ROWS }, () => new Array<number>(COLS).fill(0));
  for (const s of shapes) {
    s.rows.forEach((iv, r) => {
      if (iv) for (let c = iv[0]; c <= iv[1]; c++) fluence[r][c] += s.mu;
    });
  }
  return { id, name, gantryDeg, doseRateMuPerMin: 600, grid: { bixelWidthMm: 5, originMm: -40, firstLeafPair: 24, rows: ROWS, cols: COLS }, segments: shapes, fluence };
}

const plan = {
  patientId: 'PHANTOM-001',
  patientName: 'Phantom^Pelvis',
  planId: 'PELVIS-SS-2B',
  fraction: 1,
  protocol: 'conventional',
  mlcModel: 'millennium-120',
  beams: [
    beam(1, 'AP G000', 0, [
      { mu: 18, rows: ellipse(7.5, 6) },
      { mu: 14, rows: ellipse(6, 5) },
      { mu: 12, rows: ellipse(4.5, 4) },
      { mu: 9, rows: ellipse(3, 3) },
      { mu: 7, rows: ellipse(1.5, 2, 8.5, 5) },
    ]),
    beam(2, 'PA G180', 180, [
      { mu: 20, rows: ellipse(7, 5.5) },
      { mu: 13, rows: ellipse(5, 4.5, 7, 5.5) },
      { mu: 10, rows: ellipse(3.5, 3, 8, 5) },
      { mu: 5, rows: ellipse(2, 2) },
    ]),
  ],
};

fs.writeFileSync(new URL('./two-beam-step-and-shoot.json', import.meta.url), `${JSON.stringify(plan)}\n`);
console.log(`wrote two-beam-step-and-shoot.json: ${plan.beams.map((b) => b.segments.reduce((s, x) => s + x.mu, 0)).join(' + ')} MU`);
