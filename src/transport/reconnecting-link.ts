/**
 * A ByteLink that reopens its transport after a drop (a device server
 * rebooted, a cable pulled and plugged back), with a bounded backoff.
 * Reopening restores bytes only: the driver's link stays stale until the
 * device answers again, and the session needs an operator action to resume.
 * With `firstOpen: 'retry'` a device that is not there at start-up is tried
 * the same way (the link starts closed) instead of failing the open.
 */
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import type { ByteLink } from './byte-link.js';

export interface ReconnectPolicy {
  /** Waits before successive attempts, ms; the last one repeats. */
  readonly backoffMs: readonly number[];
}

export const defaultReconnectPolicy: ReconnectPolicy = { backoffMs: [100, 250, 500, 1000, 2000] };

export interface ReconnectingLink extends ByteLink {
  /** Called after each successful reopen (the first open is not a reopen; a first open made by a retry is). */
  onReopen(handler: () => void): void;
  /** Reopen attempts so far, and how many succeeded. */
  readonly reconnects: { attempts: number; succeeded: number };
}

export interface ReconnectOptions {
  readonly policy?: ReconnectPolicy;
  /** Timers for the backoff (default: the system clock). */
  readonly clock?: Clock;
  /** 'fail' (default): the first open must succeed or the promise rejects; 'retry': start closed and keep trying. */
  readonly firstOpen?: 'fail' | 'retry';
  /** The endpoint to name while no transport is open (e.g. `tcp://host:port`). */
  readonly endpoint?: string;
}

export async function openReconnecting(open: () => Promise<ByteLink>, opts: ReconnectOptions = {}): Promise<ReconnectingLink> {
  const policy = opts.policy ?? defaultReconnectPolicy;
  const clock = opts.clock ?? systemClock;
  let inner: ByteLink | undefined;
  let closed = false;
  let timer: TimerHandle | undefined;
  let dataHandler: ((chunk: Buffer) => void) | undefined;
  let closeHandler: ((reason: Error | undefined) => void) | undefined;
  let reopenHandler: (() => void) | undefined;
  const reconnects = { attempts: 0, succeeded: 0 };

  const attach = (link: ByteLink): void => {
    link.onData((chunk) => dataHandler?.(chunk));
    link.onClose((reason) => {
      if (closed) return;
      closeHandler?.(reason);
      schedule(0);
    });
  };
  const schedule = (failures: number): void => {
    const wait = policy.backoffMs[Math.min(failures, policy.backoffMs.length - 1)];
    timer = clock.setTimeout(() => {
      timer = undefined;
      if (closed) return;
      reconnects.attempts++;
      open().then(
        (link) => {
          if (closed) return void link.close();
          inner = link;
          reconnects.succeeded++;
          attach(link);
          reopenHandler?.();
        },
        () => schedule(failures + 1),
      );
    }, wait);
  };
  if (opts.firstOpen === 'retry') {
    try {
      inner = await open();
      attach(inner);
    } catch {
      schedule(0); // not there yet: the caller's open() reports why; the link stays closed meanwhile
    }
  } else {
    inner = await open();
    attach(inner);
  }

  return {
    get endpoint() {
      return inner?.endpoint ?? opts.endpoint ?? 'not connected';
    },
    reconnects,
    get isOpen() {
      return !closed && inner !== undefined && inner.isOpen;
    },
    write(bytes) {
      if (!closed && inner?.isOpen) inner.write(bytes);
    },
    onData(handler) {
      dataHandler = handler;
    },
    onClose(handler) {
      closeHandler = handler;
    },
    onReopen(handler) {
      reopenHandler = handler;
    },
    async close() {
      closed = true;
      timer?.cancel();
      await inner?.close();
    },
  };
}
