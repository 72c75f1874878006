/**
 * The web console in a real headless Chromium (Debian's, via playwright-core) against a real
 * `linac-bridge start --simulate` child process, users made by `linac-bridge user add`.
 * Every wait is on a page condition (text, attribute, enabled state), never a fixed sleep.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers/cli-process.js';
import { startConsoleBridge, type ConsoleBridge, type ConsoleUser } from '../helpers/console-bridge.js';
import { registrationFor, shortPlan } from '../helpers/console-plan.js';
import { launchChromium } from '../helpers/headless-chromium.js';
import { pngSize } from '../helpers/png-size.js';

const THERAPIST: ConsoleUser = { name: 'tess', role: 'therapist', password: 'a long therapist passphrase' };
const VIEWPORT = { width: 1280, height: 1000 };
/** Generous bounds for a busy 2-core machine; each wait ends as soon as its condition holds. */
const WAIT_MS = 45_000;
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-console-shots-'));

const tid = (id: string) => `[data-testid="${id}"]`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

interface TrackedWindow { __sockets: WebSocket[] }

async function openConsole(bridge: ConsoleBridge, user: ConsoleUser, o: { trackSockets?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  page.setDefaultTimeout(WAIT_MS);
  // test instrumentation only: keep the page's WebSockets reachable so a test can close one
  if (o.trackSockets) {
    // a string, not a function: the page must not depend on helpers the test's transpiler inserts
    await page.addInitScript({
      content: `(() => {
        const Native = window.WebSocket;
        window.__sockets = [];
        window.WebSocket = class extends Native {
          constructor(url, protocols) { super(url, protocols); window.__sockets.push(this); }
        };
      })();`,
    });
  }
  await page.goto(bridge.url);
  await page.fill('#login-user', user.name);
  await page.fill('#login-password', user.password);
  await page.click(tid('login-submit'));
  await page.waitForSelector(`${tid('connection-status')}:text-is("connected")`);
  await page.waitForFunction(() => document.querySelector('[data-testid="session-state"]')?.textContent !== '—');
  return page;
}

/** Loads the plan through the page's file input and waits for the session to show it. */
async function loadPlan(page: Page, bridge: ConsoleBridge, plan: Record<string, unknown>): Promise<void> {
  const file = path.join(bridge.dir, 'plan.json');
  fs.writeFileSync(file, JSON.stringify(plan));
  await page.setInputFiles(tid('plan-file'), file);
  await page.click(tid('cmd-loadPlan'));
  await page.waitForSelector(`#session-plan:text-is("${String(plan.planId)}")`);
}

/** A CBCT registration arrives, the therapist approves it and moves the couch; waits for beam-on to be offered. */
async function setUp(page: Page, bridge: ConsoleBridge, plan: Record<string, unknown>): Promise<void> {
  const reg = registrationFor(plan, 'reg-browser-1', { lateral: 1.2, longitudinal: -0.8, vertical: 0.5 });
  const res = await fetch(bridge.registrationsUrl, { method: 'POST', body: JSON.stringify(reg) });
  expect(res.status).toBeLessThan(300);
  await page.click(`${tid('registration-list')} button[data-testid^="approve-"]`);
  await page.click(tid('cmd-moveCouch'));
  await page.waitForSelector(`${tid('cmd-beamOn')}:enabled`);
}

const interlockRow = (page: Page, id: string) => page.locator(tid(`interlock-${id}`));

/** The primary channel's MU as the page shows it. */
const primaryMu = async (page: Page): Promise<number> => Number(/^([\d.]+)/.exec((await page.textContent(tid('mu-primary'))) ?? '')?.[1]);

/**
 * A screenshot of the top of the page into the temp folder, checked to be a PNG of the viewport's size;
 * with LINAC_BRIDGE_UPDATE_SCREENSHOT=1 the one named `readme` is also copied to docs/images/console.png.
 */
async function screenshot(page: Page, name: string): Promise<Buffer> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const file = path.join(shots, `console-${name}.png`);
  const png = await page.screenshot({ path: file });
  expect(png.length).toBeGreaterThan(20_000);
  expect(pngSize(png)).toEqual(VIEWPORT);
  if (name === 'readme' && process.env.LINAC_BRIDGE_UPDATE_SCREENSHOT === '1') fs.copyFileSync(file, path.join(root, 'docs', 'images', 'console.png'));
  return png;
}

// a bridge start, a login and a beam take ~10 s on an idle machine: room for a busy 2-core one
describe('web console in headless Chromium', { timeout: 120_000 }, () => {
  it('a therapist logs in, loads a plan, approves a registration, moves the couch, delivers the beam and sees "beam complete"', async () => {
    const bridge = await startConsoleBridge([THERAPIST]);
    try {
      const page = await openConsole(bridge, THERAPIST);
      const plan = shortPlan([3, 2], 600);
      await loadPlan(page, bridge, plan);
      await setUp(page, bridge, plan);
      await page.click(tid('cmd-beamOn'));
      await page.waitForSelector(`${tid('beam-status')}:has-text("beam complete")`);
      // MU readback on both channels reached the plan's 5 MU (within the protocol's delivered-MU tolerance)
      const mu = await page.textContent(tid('mu-primary'));
      expect(mu).toMatch(/^(4\.9|5\.0)\d* \/ 5\.0 MU/);
      for (const id of ['interlock-panel', 'mu-primary', 'mu-secondary', 'beam-eye-view', 'couch-pose', 'registration-list', 'journal-tail', 'session-state']) {
        await expect(page.locator(tid(id)).isVisible(), id).resolves.toBe(true);
      }
      await screenshot(page, 'beam-complete');
    } finally {
      await bridge.stop();
    }
  });

  it('a door opened mid-beam turns IL-DOOR-OPEN active with its reason, holds the beam, disables beam-on and shows the re-send-leaves button', async () => {
    const bridge = await startConsoleBridge([THERAPIST]);
    try {
      const page = await openConsole(bridge, THERAPIST);
      await expect(interlockRow(page, 'IL-DOOR-OPEN').getAttribute('data-status')).resolves.toBe('clear');
      // one 40 MU segment at 200 MU/min: 12 s of beam, time enough to open the door while it is on
      const plan = shortPlan([40], 200);
      await loadPlan(page, bridge, plan);
      await setUp(page, bridge, plan);
      await page.click(tid('cmd-beamOn'));
      await page.waitForSelector(`${tid('beam-status')}:has-text("BEAM ON")`);
      await page.waitForFunction(() => Number(/^([\d.]+)/.exec(document.querySelector('[data-testid="mu-primary"]')?.textContent ?? '')?.[1]) >= 5);
      await expect(page.locator(tid('cmd-repositionMlc')).isVisible()).resolves.toBe(false); // offered in a hold only
      bridge.diagnose('door open');
      await page.waitForSelector(`${tid('interlock-IL-DOOR-OPEN')}[data-status="active"]`);
      const row = await interlockRow(page, 'IL-DOOR-OPEN').innerText();
      expect(row).toContain('ACTIVE');
      expect(row).toMatch(/door is not reported closed/);
      await page.waitForSelector(`${tid('beam-status')}:has-text("beam held")`);
      await expect(page.locator(tid('cmd-beamOn')).isDisabled()).resolves.toBe(true);
      await expect(page.locator(tid('cmd-resume')).isDisabled()).resolves.toBe(true);
      await expect(page.locator(tid('cmd-beamOn')).getAttribute('title')).resolves.toMatch(/IL-DOOR-OPEN|not ready/);
      // re-sending the MLC leaves is offered in the hold (the MLC link is fresh); it would not turn the beam on
      await page.waitForSelector(`${tid('cmd-repositionMlc')}:enabled`);
      await expect(page.locator(tid('cmd-repositionMlc')).isVisible()).resolves.toBe(true);
      const mu = await primaryMu(page);
      expect(mu).toBeGreaterThanOrEqual(5);
      expect(mu).toBeLessThan(40);
      await screenshot(page, 'readme');
      // the door closed again: the interlock clears and RESUME is offered (the operator decides)
      bridge.diagnose('door closed');
      await page.waitForSelector(`${tid('interlock-IL-DOOR-OPEN')}[data-status="clear"]`);
      await page.waitForSelector(`${tid('cmd-resume')}:enabled`);
    } finally {
      await bridge.stop();
    }
  });

  it('a dropped connection shows DISCONNECTED, greys the view and disables every command', async () => {
    const bridge = await startConsoleBridge([THERAPIST]);
    let killed = false;
    try {
      const page = await openConsole(bridge, THERAPIST);
      await page.waitForSelector(`${tid('cmd-loadPlan')}:enabled`);
      await bridge.kill();
      killed = true;
      await page.waitForSelector(`${tid('connection-status')}:text-is("DISCONNECTED")`);
      await expect(page.locator(tid('disconnected-banner')).isVisible()).resolves.toBe(true);
      await expect(page.locator('body').getAttribute('class')).resolves.toMatch(/\bdisconnected\b/);
      const commands = page.locator('button[data-cmd], [data-testid^="approve-"], [data-testid^="reject-"], #interlock-panel button');
      const states = await commands.evaluateAll((bs) => bs.map((b) => [b.getAttribute('data-testid') ?? b.textContent, (b as HTMLButtonElement).disabled]));
      expect(states.length).toBeGreaterThan(5);
      expect(states.filter(([, disabled]) => !disabled)).toEqual([]);
      await screenshot(page, 'disconnected');
    } finally {
      if (!killed) await bridge.stop();
    }
  });

  it('a closed socket shows DISCONNECTED, then the page reconnects by itself and offers commands again', async () => {
    const bridge = await startConsoleBridge([THERAPIST]);
    try {
      const page = await openConsole(bridge, THERAPIST, { trackSockets: true });
      await page.waitForSelector(`${tid('cmd-loadPlan')}:enabled`);
      const opened = await page.evaluate(() => (window as unknown as TrackedWindow).__sockets.length);
      await page.evaluate(() => (window as unknown as TrackedWindow).__sockets.at(-1)!.close());
      // the page may reconnect 250 ms later: judge status and button in the same instant, not one after the other
      await page.waitForFunction(() => {
        const q = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement | null;
        return q('connection-status')?.textContent === 'DISCONNECTED' && q('cmd-loadPlan')?.disabled === true;
      });
      await page.waitForFunction((n) => (window as unknown as TrackedWindow).__sockets.length > n, opened);
      await page.waitForSelector(`${tid('connection-status')}:text-is("connected")`);
      await page.waitForSelector(`${tid('cmd-loadPlan')}:enabled`);
      await expect(page.locator(tid('disconnected-banner')).isVisible()).resolves.toBe(false);
    } finally {
      await bridge.stop();
    }
  });

  it('a bridge that hangs with the socket open turns the page DISCONNECTED within seconds, and live again when it goes on', async () => {
    const bridge = await startConsoleBridge([THERAPIST]);
    let paused = false;
    try {
      const page = await openConsole(bridge, THERAPIST);
      await page.waitForSelector(`${tid('cmd-loadPlan')}:enabled`);
      bridge.pause();
      paused = true;
      await page.waitForSelector(`${tid('connection-status')}:text-is("DISCONNECTED")`);
      await expect(page.textContent('#disconnected-detail')).resolves.toMatch(/no message from the bridge/);
      await expect(page.locator(tid('cmd-loadPlan')).isDisabled()).resolves.toBe(true);
      bridge.resume();
      paused = false;
      await page.waitForSelector(`${tid('connection-status')}:text-is("connected")`);
      await page.waitForSelector(`${tid('cmd-loadPlan')}:enabled`);
    } finally {
      if (paused) bridge.resume();
      await bridge.stop();
    }
  });

  it('can be used from the keyboard, names every control, and states every interlock in words', async () => {
    const bridge = await startConsoleBridge([THERAPIST]);
    try {
      const page = await browser.newPage({ viewport: VIEWPORT });
      page.setDefaultTimeout(WAIT_MS);
      await page.goto(bridge.url);
      // the login form takes focus; Tab and Enter log in
      await page.waitForFunction(() => document.activeElement?.id === 'login-user');
      await page.keyboard.type(THERAPIST.name);
      await page.keyboard.press('Tab');
      await page.keyboard.type(THERAPIST.password);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`${tid('connection-status')}:text-is("connected")`);
      await page.waitForSelector(`${tid('interlock-panel')} tbody tr`);
      const unnamed = await page.evaluate(() => {
        const named = (e: Element) => (e as HTMLInputElement).labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || (e.textContent ?? '').trim();
        return [...document.querySelectorAll('main button, main input, header button')].filter((e) => !named(e)).map((e) => e.outerHTML);
      });
      expect(unnamed).toEqual([]);
      const rows = await page.locator(`${tid('interlock-panel')} tbody tr`).evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-status'), (tr as HTMLElement).innerText]));
      expect(rows.length).toBeGreaterThan(10);
      const WORD: Record<string, RegExp> = { clear: /clear/, active: /ACTIVE/, latched: /LATCHED/, unknown: /UNKNOWN/ };
      for (const [status, text] of rows) expect(text, String(status)).toMatch(WORD[String(status)]);
      // an interlock not clear shows its reason in text, not only a colour
      for (const [status, text] of rows.filter(([st]) => st !== 'clear')) expect(String(text).split('\n').length, String(status)).toBeGreaterThan(2);
      // the Load plan button is reachable by Tab and pressed with Enter (here with no plan chosen: told so in words)
      await page.focus(tid('plan-id'));
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('cmd-loadPlan');
      await page.keyboard.press('Enter');
      await page.waitForSelector(`${tid('command-result')}:has-text("choose a plan file or enter a plan id")`);
    } finally {
      await bridge.stop();
    }
  });
});
