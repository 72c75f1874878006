/** Whether a room's device links carry fresh evidence, and which stale links veto beam-on now. */
import type { LoadedConfig } from '../config/load-config.js';
import type { Clock } from '../core/clock.js';
import { permitFor } from '../interlock/session-guards.js';
import type { InterlockId } from '../interlock/interlock-catalogue.js';
import type { BridgeSession } from './bridge-session.js';

const STALE_LINK_IDS: readonly InterlockId[] = ['IL-MLC-STALE', 'IL-BEAM-STALE', 'IL-COUCH-STALE'];

/** Resolves when every device link has reported at least once (or rejects after timeoutMs). */
export async function waitForLinks(session: BridgeSession, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  const d = session.drivers;
  while (!(d.mlc.isFresh() && d.beam.isFresh() && d.couch.isFresh() && d.mlc.latest && d.couch.latest && d.beam.latest)) {
    if (performance.now() > end) throw new Error(`device links not fresh after ${timeoutMs} ms (mlc ${d.mlc.isFresh()}, beam ${d.beam.isFresh()}, couch ${d.couch.isFresh()})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The stale-link interlocks the beam permit reports unmet now (each one vetoes beam-on), judged by the session's own permit. */
export function staleLinkVetoes(session: BridgeSession, clock: Clock): InterlockId[] {
  const causes = permitFor(session.snapshot.context, { type: 'TICK', atMs: clock.nowMs() }).causes;
  return causes.filter((id) => STALE_LINK_IDS.includes(id));
}

/** The smallest margin between a link's heartbeat and its stale limit: a loop delay above it can make a link stale, ms. */
export function heartbeatMarginMs(cfg: LoadedConfig): number {
  const l = cfg.bridge.links;
  return Math.min(l.mlc.staleAfterMs - l.mlc.heartbeatMs, l.beam.staleAfterMs - l.beam.heartbeatMs, l.couch.staleAfterMs - l.couch.heartbeatMs);
}

/** Calls `onChange` with the stale-link vetoes whenever that set changes (checked every `periodMs`, and once now). */
export function watchStaleLinks(session: BridgeSession, clock: Clock, onChange: (ids: InterlockId[]) => void, periodMs = 100): { stop(): void } {
  let last: string | undefined;
  const check = (): void => {
    const ids = staleLinkVetoes(session, clock);
    if (ids.join() !== last) onChange(ids);
    last = ids.join();
  };
  check();
  const timer = clock.setInterval(check, periodMs);
  return { stop: () => timer.cancel() };
}
