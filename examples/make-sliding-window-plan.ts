/**
 * Writes examples/sliding-window-dynamic.json: one DYNAMIC beam on the
 * Millennium 120 (the test helper's sliding window: pairs 28…31 sweep a 10 mm
 * gap across 30 mm in 30 MU at 300 MU/min, 11 control points), a JSON plan
 * that carries its leaf trajectory (docs/dynamic-delivery.md).
 * Run: npx tsx examples/make-sliding-window-plan.ts
 */
import fs from 'node:fs';
import { loadMlcModel } from '../src/config/load-config.js';
import { dynamicPlanJson } from '../test/helpers/dynamic-plan.js';

const plan = { ...dynamicPlanJson(loadMlcModel('millennium-120')), planId: 'SW-EXAMPLE' };
fs.writeFileSync(new URL('./sliding-window-dynamic.json', import.meta.url), `${JSON.stringify(plan)}\n`);
