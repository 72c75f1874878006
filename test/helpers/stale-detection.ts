/** How long a driver takes to report its link stale after the device falls silent (real time, ms). */
import type { Observable } from 'rxjs';
import type { DriverEvent } from '../../src/drivers/driver-event.js';
import { until } from './wait.js';

export async function msToStale(driver: { isFresh(): boolean; events$: Observable<DriverEvent> }, silence: () => void): Promise<number> {
  await until(() => driver.isFresh(), 2000, 'fresh link');
  const stale = new Promise<number>((resolve) => driver.events$.subscribe((e) => e.type === 'link-stale' && resolve(performance.now())));
  const t0 = performance.now();
  silence();
  return (await stale) - t0;
}
