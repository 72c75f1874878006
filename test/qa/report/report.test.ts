import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../../src/qa/report/report-html.js';
import { reportJson } from '../../../src/qa/report/report-json.js';
import type { QaRunRecord } from '../../../src/qa/runner.js';

const mm = { tolerance: 2, action: 1, unit: 'mm', source: 'AAPM TG-142' };
const deg = { tolerance: 1, action: 0.5, unit: 'deg', source: 'AAPM TG-142' };
const run: QaRunRecord = {
  runId: 'r1', machine: 'linac <2>', operator: 'dr-qa', software: 'linac-bridge 0.1.0', startedAt: '2026-11-26T10:00:00.000Z', finishedAt: '2026-11-26T10:01:00.000Z', status: 'fail',
  checks: [
    {
      name: 'couch-accuracy', status: 'fail', tolerance: { translation: mm, rotation: deg },
      items: [
        { id: 'lateral', measured: 20.6, expected: 20, error: 0.6, unit: 'mm', status: 'pass', detail: { pose: 1 } },
        { id: 'lateral.repeatability', measured: 0.03, expected: 0, error: 0.03, unit: 'mm', status: 'pass', limits: { tolerance: 1, action: 0.5 } },
        { id: 'pitch', measured: 2.8, expected: 1.5, error: 1.3, unit: 'deg', status: 'fail' },
      ],
    },
    { name: 'interlock-functional', status: 'pass', tolerance: { tolerance: 0, action: 0, unit: 'functions', source: 'TG-142' }, items: [{ id: 'IL-DOOR-OPEN', measured: 2, expected: 2, error: 0, unit: 'functions', status: 'pass' }] },
  ],
};

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;
const chart = (html: string, kind: string, check: string) => html.slice(html.indexOf(`data-chart="${kind}" data-check="${check}"`)).split('</svg>')[0];

describe('QA reports', () => {
  it('writes report.json with exactly the agreed keys', () => {
    const j = reportJson(run);
    expect(Object.keys(j)).toEqual(['machine', 'startedAt', 'software', 'checks']);
    expect(Object.keys(j.checks[0])).toEqual(['name', 'status', 'tolerance', 'items']);
    for (const c of j.checks) for (const i of c.items) expect(Object.keys(i)).toEqual(['id', 'measured', 'expected', 'error', 'unit', 'status']);
    expect(j.checks[0].items[2]).toEqual({ id: 'pitch', measured: 2.8, expected: 1.5, error: 1.3, unit: 'deg', status: 'fail' });
  });

  it('draws one bar per item, the couch error per axis, and one trend point per past run', () => {
    const html = reportHtml(run, [
      { check: 'couch-accuracy', points: [{ startedAt: 'a', fraction: 0.2, status: 'pass' }, { startedAt: 'b', fraction: 0.4, status: 'pass' }, { startedAt: 'c', fraction: 1.3, status: 'fail' }] },
      { check: 'interlock-functional', points: [{ startedAt: 'c', fraction: 0, status: 'pass' }] },
    ]);
    expect(count(chart(html, 'errors', 'couch-accuracy'), /<rect class="bar"/g)).toBe(3);
    expect(count(chart(html, 'errors', 'interlock-functional'), /<rect class="bar"/g)).toBe(1);
    const axes = chart(html, 'couch-axes', 'couch-accuracy');
    expect(count(axes, /<rect class="bar"/g)).toBe(2); // lateral and pitch: the axis items only
    expect(count(axes, /class="tolerance-line"/g)).toBe(2); // ± tolerance
    const trend = html.slice(html.indexOf('data-chart="trend"')).split('</svg>')[0];
    expect(count(trend, /class="point" data-check="couch-accuracy"/g)).toBe(3);
    expect(count(trend, /class="point" data-check="interlock-functional"/g)).toBe(1);
  });

  it('scales each bar to its own tolerance: 0.6 mm of 2 mm and 1.3° of 1° (capped at twice)', () => {
    const html = reportHtml(run, []);
    const errors = chart(html, 'errors', 'couch-accuracy');
    const heights = [...errors.matchAll(/<rect class="bar" data-item="([^"]+)" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => [m[1], Number(m[2])] as const);
    const h = Object.fromEntries(heights);
    expect(h.pitch / h.lateral).toBeCloseTo(1.3 / 0.3, 1);
  });

  it('is self-contained and escapes what it shows', () => {
    const html = reportHtml(run, []);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(/i);
    expect(html).toContain('linac &#60;2&#62;');
    expect(html).toContain('AAPM TG-142');
  });
});
