/**
 * A ByteLink that reopens its transport after a drop (a device server
 * rebooted, a cable pulled and plugged back), with a bounded backoff.
 * Reopening restores bytes only: the driver's link stays stale until the
 * device answers again, and the session needs an operator action to resume.
 */
import type { ByteLink } from './byte-link.js';

export interface ReconnectPolicy {
  /** Waits before successive attempts, ms; the last one repeats. */
  readonly backoffMs: readonly number[];
}

export const defaultReconnectPolicy: ReconnectPolicy = { backoffMs: [100, 250, 500, 1000, 2000] };

export interface ReconnectingLink extends ByteLink {
  /** Called after each successful reopen (the first open is not a reopen). */
  onReopen(handler: () => void): void;
  /** Reopen attempts so far, and how many succeeded. */
  readonly reconnects: { attempts: number; succeeded: number };
}

export async function openReconnecting(open: () => Promise<ByteLink>, policy: ReconnectPolicy = defaultReconnectPolicy): Promise<ReconnectingLink> {
  let inner = await open();
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
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
    timer = setTimeout(() => {
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
  attach(inner);

  return {
    endpoint: inner.endpoint,
    reconnects,
    get isOpen() {
      return !closed && inner.isOpen;
    },
    write(bytes) {
      if (!closed && inner.isOpen) inner.write(bytes);
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
      if (timer) clearTimeout(timer);
      await inner.close();
    },
  };
}
