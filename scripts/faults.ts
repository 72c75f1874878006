/**
 * `npm run faults`: the fault-injection campaign over real transports. Every
 * scenario starts its own simulators on loopback (and child processes where a
 * process is killed or paused), injects one fault and checks the outcome.
 *
 *   npm run faults                      table
 *   npm run faults -- --json            { "scenarios": [ … ] }
 *   npm run faults -- door-opened e-stop   only these scenarios
 *   npm run faults -- --slack-ms 500    extra time before a beam left on counts as unsafe
 *
 * Exit 1 when any scenario is unsafe, loses journal records or fails a check.
 */
import { allScenarios } from '../test/helpers/fault-scenarios.js';
import type { ScenarioResult } from '../test/helpers/fault-scenario.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const slackAt = args.indexOf('--slack-ms');
const slackMs = slackAt >= 0 ? Number(args[slackAt + 1]) : 0;
const names = args.filter((a, i) => !a.startsWith('--') && (slackAt < 0 || i !== slackAt + 1));
const unknown = names.filter((n) => !allScenarios.some((s) => s.name === n));
if (unknown.length || !Number.isFinite(slackMs) || slackMs < 0) {
  console.error(unknown.length ? `unknown scenario(s): ${unknown.join(', ')}; known: ${allScenarios.map((s) => s.name).join(', ')}` : '--slack-ms takes a number ≥ 0');
  process.exit(2);
}
const chosen = names.length ? allScenarios.filter((s) => names.includes(s.name)) : allScenarios;
const results: ScenarioResult[] = [];
for (const s of chosen) {
  if (!json) process.stderr.write(`${s.name} … `);
  const r = await s.run({ slackMs });
  results.push(r);
  if (!json) process.stderr.write(`${r.unsafe || r.lostRecords || r.failedChecks.length ? 'FAIL' : 'ok'}\n`);
}
if (json) console.log(JSON.stringify({ scenarios: results }, null, 2));
else {
  console.table(results.map((r) => ({ name: r.name, injected: r.injected, detected: r.detected, action: r.action, msToSafeState: r.msToSafeState ?? '—', unsafe: r.unsafe, lostRecords: r.lostRecords, checks: r.failedChecks.length ? r.failedChecks.join('; ') : 'ok' })));
}
const bad = results.filter((r) => r.unsafe || r.lostRecords > 0 || r.failedChecks.length > 0);
if (bad.length) console.error(`${bad.length} scenario(s) failed: ${bad.map((r) => r.name).join(', ')}`);
process.exit(bad.length ? 1 : 0);
