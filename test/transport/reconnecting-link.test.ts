/** A reconnecting link timed by an injected clock, and one that may start before its device is there. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { ByteLink } from '../../src/transport/byte-link.js';
import { openReconnecting } from '../../src/transport/reconnecting-link.js';

function fakeLink(): ByteLink & { drop(): void } {
  let onClose: ((e: Error | undefined) => void) | undefined;
  let open = true;
  return {
    endpoint: 'fake://device',
    get isOpen() {
      return open;
    },
    write: () => undefined,
    onData: () => undefined,
    onClose: (h) => (onClose = h),
    close: async () => void (open = false),
    drop() {
      open = false;
      onClose?.(new Error('gone'));
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('reconnecting link', () => {
  it("with firstOpen 'retry', starts closed when the device is not there, names its endpoint, and opens on the clock's backoff", async () => {
    const clock = new ManualClock();
    let refusals = 2;
    const opened: string[] = [];
    const link = await openReconnecting(async () => {
      if (refusals-- > 0) throw new Error('ECONNREFUSED');
      return fakeLink();
    }, { clock, firstOpen: 'retry', endpoint: 'tcp://127.0.0.1:5001' });
    link.onReopen(() => opened.push('open'));
    expect(link.isOpen).toBe(false);
    expect(link.endpoint).toBe('tcp://127.0.0.1:5001');
    clock.advance(99);
    await settle();
    expect(link.reconnects.attempts).toBe(0); // nothing before the first backoff step, whatever real time passes
    clock.advance(1); // 100 ms: second attempt, refused
    await settle();
    expect(link.reconnects.attempts).toBe(1);
    expect(link.isOpen).toBe(false);
    clock.advance(250); // next step: opens
    await settle();
    expect(link.reconnects).toEqual({ attempts: 2, succeeded: 1 });
    expect(link.isOpen).toBe(true);
    expect(link.endpoint).toBe('fake://device');
    expect(opened).toEqual(['open']);
    await link.close();
  });

  it("by default still fails the open when the device is not there (the embedded simulators must be up)", async () => {
    await expect(openReconnecting(async () => Promise.reject(new Error('ECONNREFUSED')), { clock: new ManualClock() })).rejects.toThrow('ECONNREFUSED');
  });

  it('reopens after a drop on the injected clock', async () => {
    const clock = new ManualClock();
    const first = fakeLink();
    let n = 0;
    const link = await openReconnecting(async () => (n++ === 0 ? first : fakeLink()), { clock });
    first.drop();
    expect(link.isOpen).toBe(false);
    clock.advance(100);
    await settle();
    expect(link.isOpen).toBe(true);
    await link.close();
  });
});
