import { describe, expect, it } from 'vitest';
import { limitText } from '../../web/couch-panel.js';

describe('couch limits text', () => {
  it("shows the couch model's range for the axis", () => {
    const limits = { rangeMm: { lateral: { min: -40, max: 40 } }, rangeDeg: { pitch: { min: -3, max: 3 } } };
    expect(limitText(limits, 'lateralMm', 'mm')).toBe('-40.0 … 40.0 mm');
    expect(limitText(limits, 'pitchDeg', '°')).toBe('-3.0 … 3.0 °');
  });

  it('shows action levels as apply / review maxima', () => {
    expect(limitText({ applyMaxMm: 3, reviewMaxMm: 10 }, 'verticalMm', 'mm')).toBe('3.0 / 10.0 mm');
  });

  it('shows a dash when no limit is known for the axis', () => {
    expect(limitText({}, 'rollDeg', '°')).toBe('—');
    expect(limitText(null, 'rollDeg', '°')).toBe('—');
  });
});
