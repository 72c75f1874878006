import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueTable } from '../../scripts/interlock-catalogue.js';

describe('interlock documentation', () => {
  it('shows exactly the catalogue the code enforces (regenerate with npm run interlocks)', () => {
    const doc = fs.readFileSync(new URL('../../docs/interlocks.md', import.meta.url), 'utf8');
    const section = doc.split('<!-- generated: interlock catalogue -->\n')[1].split('\n<!-- end generated -->')[0];
    expect(section).toBe(catalogueTable());
  });
});
