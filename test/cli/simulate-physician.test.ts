import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FractionRecord } from '../../src/bridge/fraction-record.js';
import { readJournal } from '../../src/journal/journal.js';
import { root } from '../helpers/cli-process.js';
import { configInTmp } from '../helpers/config-in-tmp.js';

const run = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/linac-bridge.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
/** 3.2 mm / 1.08° (3D): review-level under the conventional action levels (apply ≤ 3 mm, 1°). */
const REVIEW_LEVEL = '2.4,-1.8,1.1,0.6,-0.4,0.8';

describe('simulate: a review-level correction needs a named physician', () => {
  it('does not approve it without --physician: exit 1, the reason printed, no APPROVE in the journal', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--json', '--time-scale', '10', '--setup-error', REVIEW_LEVEL, '--operator', 'rtt']);
    expect(r.status, r.stderr).toBe(1);
    const rec = JSON.parse(r.stdout) as FractionRecord & { journal: string };
    expect(rec.outcome).toBe('aborted');
    const entries = readJournal(rec.journal).entries;
    expect(entries.some((e) => e.kind === 'operator' && (e.data as any).type === 'APPROVE')).toBe(false);
    expect(entries.some((e) => e.kind === 'rejection' && (e.data as any).reason === 'review-level correction and no physician named')).toBe(true);
  });

  it('journals the physician named with --physician as the approver, role physician', () => {
    const { file } = configInTmp();
    const r = run(['--config', file, 'simulate', 'examples/two-beam-step-and-shoot.json', '--json', '--time-scale', '10', '--setup-error', REVIEW_LEVEL, '--operator', 'rtt', '--physician', 'dr-house']);
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout) as FractionRecord & { journal: string };
    const approve = readJournal(rec.journal).entries.find((e) => e.kind === 'operator' && (e.data as any).type === 'APPROVE');
    expect(approve?.data).toMatchObject({ operator: 'dr-house', role: 'physician' });
  });
});
