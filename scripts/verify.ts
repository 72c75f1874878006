/**
 * `npm run verify`: enumerates the deep session-statechart models (see
 * docs/verification.md) and checks every safety invariant on every edge.
 * Prints a table and one VERIFY_JSON line; exits 1 on any violation.
 * `npm run verify -- <n>` runs model n only (0-based).
 */
import { DEEP_MODELS } from '../test/helpers/session-model/models.js';
import { describeEvent, explore } from '../test/helpers/session-model/session-model.js';

const only = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
const models = only.length ? only.map((i) => DEEP_MODELS[i]) : DEEP_MODELS;
const results = [];
for (const model of models) {
  const r = explore({ ...model, stopAfterViolations: 100 });
  results.push(r);
  console.log(`${r.name}: ${r.states} states, ${r.edges} edges, ${(r.ms / 1000).toFixed(1)} s, ${r.violationCount} violations`);
  for (const v of r.violations.slice(0, 5)) console.log(`  ${v.invariant}: ${v.detail}\n    path: ${v.path.map(describeEvent).join(' → ')}`);
}
console.table(results.map((r) => ({ model: r.name, states: r.states, edges: r.edges, seconds: +(r.ms / 1000).toFixed(1), violations: r.violationCount })));
const json = results.map((r) => ({ ...r, violations: r.violations.map((v) => ({ ...v, path: v.path.map(describeEvent) })) }));
console.log(`VERIFY_JSON ${JSON.stringify({ node: process.version, results: json })}`);
process.exit(results.some((r) => r.violationCount > 0) ? 1 : 0);
