/**
 * `qa run daily --simulate --report <dir>`'s report.html opened from disk in headless Chromium (Debian's,
 * through playwright-core): every chart is rendered and visible with the expected bars and points, and a
 * screenshot is taken. QA_REPORT_PNG=<file> also saves it there (docs/images/qa-report.png was made so).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process.js';
import { launchChromium } from '../../helpers/headless-chromium.js';

let browser: Browser | undefined;
afterAll(async () => browser?.close());

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });

describe('the daily QA report in a browser', () => {
  it('renders every plot visibly: a bar per item (7 interlocks, 6 IGRT axes) and a trend point per check', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-report-browser-'));
    const run = startCli(['qa', 'run', 'daily', '--simulate', '--report', path.join(dir, 'out'), '--db', path.join(dir, 'qa.sqlite')]);
    expect(await run.exited).toBe(0);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.goto(pathToFileURL(path.join(dir, 'out', 'report.html')).href);

    const charts = page.locator('svg.qa-chart');
    await expect.poll(() => charts.count()).toBe(3);
    for (let i = 0; i < 3; i++) expect(await charts.nth(i).isVisible()).toBe(true);
    // each bar and point is laid out with a size on the page (not only present in the markup)
    const drawn = (chart: string, shape: string) =>
      page.locator(`svg${chart} ${shape}`).evaluateAll((els) => els.filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length);
    expect(await drawn('[data-chart="errors"][data-check="interlock-functional"]', 'rect.bar')).toBe(7);
    expect(await drawn('[data-chart="errors"][data-check="igrt-end-to-end"]', 'rect.bar')).toBe(6);
    expect(await drawn('[data-chart="trend"]', 'circle.point')).toBe(2);

    const png = await page.screenshot({ fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const size = pngSize(png);
    expect(size.width).toBe(1024);
    expect(size.height).toBeGreaterThan(768); // a page of tables and three charts is longer than one screen
    expect(png.length).toBeGreaterThan(20_000); // a blank page of that size compresses to a few kB
    if (process.env.QA_REPORT_PNG) fs.writeFileSync(process.env.QA_REPORT_PNG, png);
  }, 120_000);
});
