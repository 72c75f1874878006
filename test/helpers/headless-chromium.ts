/**
 * Debian's Chromium (installed by scripts/install-system-deps.sh) driven by playwright-core; nothing
 * is downloaded. Browser tests wait on page conditions (selectors, text), never on fixed sleeps.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
