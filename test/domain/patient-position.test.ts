import { describe, expect, it } from 'vitest';
import { lpsToIec, PATIENT_POSITIONS } from '../../src/domain/registration/patient-position.js';

// Where the patient's left, posterior and head point in IEC 61217 table-top axes (X lateral, Y toward the gantry, Z up):
// read off PS3.17 FFF.1.2.2 (X-ray table axes X, Y, Z = IEC X_t, −Z_t, Y_t), written out here by hand.
const TABLE: Record<string, [number[], number[], number[]]> = {
  HFS: [[1, 0, 0], [0, 0, -1], [0, 1, 0]],
  HFP: [[-1, 0, 0], [0, 0, 1], [0, 1, 0]],
  HFDR: [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
  HFDL: [[0, 0, -1], [-1, 0, 0], [0, 1, 0]],
  FFS: [[-1, 0, 0], [0, 0, -1], [0, -1, 0]],
  FFP: [[1, 0, 0], [0, 0, 1], [0, -1, 0]],
  FFDR: [[0, 0, 1], [-1, 0, 0], [0, -1, 0]],
  FFDL: [[0, 0, -1], [1, 0, 0], [0, -1, 0]],
};

describe('DICOM patient coordinates (LPS) to IEC 61217 table-top axes', () => {
  for (const p of PATIENT_POSITIONS) {
    it(`${p}: the patient's left, posterior and head directions`, () => {
      const c = lpsToIec(p);
      const column = (j: number) => [c[0][j], c[1][j], c[2][j]].map((v) => v + 0);
      expect([column(0), column(1), column(2)]).toEqual(TABLE[p]);
    });
  }
});
