/**
 * The CI-sized part of the fault-injection campaign (`npm run faults` runs
 * all of it): real simulators over loopback, one fault each, the outcome
 * checked at the simulated linac and in the journal. The stated times get a
 * second of slack here, so only a beam left on grossly late fails on a busy
 * machine; the campaign itself runs without slack.
 */
import { describe, expect, it } from 'vitest';
import { allScenarios } from '../helpers/fault-scenarios.js';

const ci = allScenarios.filter((s) => s.ci);

describe('fault-injection campaign (CI subset)', () => {
  it('has a CI subset that covers a link, the dose channels, an unexpected beam, the journal disk and a killed bridge', () => {
    expect(ci.map((s) => s.name)).toEqual(['device-silent', 'bridge-killed', 'dose-channels-disagree', 'unexpected-beam-on', 'wrong-patient-registration', 'journal-disk-full']);
  });

  for (const s of ci) {
    it(`${s.name}: ${s.injected} — reaches the expected safe outcome, never leaves the beam on under an interlock, and loses no journal record`, async () => {
      const r = await s.run({ slackMs: 1000 });
      expect(r.failedChecks).toEqual([]);
      expect(r.unsafe).toBe(false);
      expect(r.lostRecords).toBe(0);
    }, 60_000);
  }
});
