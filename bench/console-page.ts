/**
 * The web console under live load, in Debian's headless Chromium: a real `start --simulate`, one
 * 40 MU beam at 400 MU/min driven through the page, and during the beam the WebSocket messages and
 * bytes per second the page receives, the animation frames per second it keeps, and the long tasks
 * (main thread busy > 50 ms, PerformanceObserver 'longtask') it suffers. Prints one JSON line.
 *
 *   npx tsx bench/console-page.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { startConsoleBridge } from '../test/helpers/console-bridge.js';
import { registrationFor, shortPlan } from '../test/helpers/console-plan.js';
import { launchChromium } from '../test/helpers/headless-chromium.js';

const USER = { name: 'bench', role: 'therapist' as const, password: 'a long bench passphrase' };
// page code as strings: it must not depend on helpers a TypeScript transpiler inserts
const COUNTERS = `(() => {
  const w = window;
  w.__stats = { messages: 0, bytes: 0, frames: 0, longTasks: [] };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(u, p) { super(u, p); this.addEventListener('message', (e) => { w.__stats.messages++; w.__stats.bytes += String(e.data).length; }); }
  };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__stats.longTasks.push(e.duration); }).observe({ entryTypes: ['longtask'] });
})();`;
const COUNT_FRAMES = `(() => { const w = window; const raf = () => { w.__stats.frames++; requestAnimationFrame(raf); }; requestAnimationFrame(raf); })()`;
const READ = `({ ...window.__stats, longTasks: [...window.__stats.longTasks], t: performance.now() })`;

interface Stats { messages: number; bytes: number; frames: number; longTasks: number[]; t: number }

const bridge = await startConsoleBridge([USER]);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.setDefaultTimeout(60_000);
  await page.addInitScript({ content: COUNTERS });
  await page.goto(bridge.url);
  await page.fill('#login-user', USER.name);
  await page.fill('#login-password', USER.password);
  await page.click('[data-testid="login-submit"]');
  await page.waitForSelector('[data-testid="connection-status"]:text-is("connected")');
  await page.evaluate(COUNT_FRAMES);
  const plan = shortPlan([40], 400);
  const file = path.join(bridge.dir, 'plan.json');
  fs.writeFileSync(file, JSON.stringify(plan));
  await page.setInputFiles('[data-testid="plan-file"]', file);
  await page.click('[data-testid="cmd-loadPlan"]');
  await page.waitForSelector(`#session-plan:text-is("${String(plan.planId)}")`);
  await fetch(bridge.registrationsUrl, { method: 'POST', body: JSON.stringify(registrationFor(plan, 'bench-1', { lateral: 1, longitudinal: 0, vertical: 0 })) });
  await page.click('[data-testid^="approve-"]');
  await page.click('[data-testid="cmd-moveCouch"]');
  await page.waitForSelector('[data-testid="cmd-beamOn"]:enabled');
  const before = (await page.evaluate(READ)) as Stats;
  await page.click('[data-testid="cmd-beamOn"]');
  await page.waitForSelector('[data-testid="beam-status"]:has-text("beam complete")');
  const after = (await page.evaluate(READ)) as Stats;
  const s = (after.t - before.t) / 1000;
  const longTasks = after.longTasks.slice(before.longTasks.length);
  console.log(JSON.stringify({
    beamSeconds: +s.toFixed(2),
    messagesPerS: +((after.messages - before.messages) / s).toFixed(1),
    kiBPerS: +((after.bytes - before.bytes) / s / 1024).toFixed(1),
    framesPerS: +((after.frames - before.frames) / s).toFixed(1),
    longTasks: longTasks.length,
    maxLongTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
  }));
} finally {
  await browser.close();
  await bridge.stop();
}
