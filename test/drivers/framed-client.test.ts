import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { FramedClient } from '../../src/drivers/framed-client.js';
import { CMD_NAK, FrameDecoder, encodeFrame, encodeNak, NakReason, replyCmd, type Frame } from '../../src/protocol/frame-codec.js';
import type { ByteLink } from '../../src/transport/byte-link.js';

/** A link whose far end is the test: it sees every request frame and writes replies by hand. */
class ScriptedLink implements ByteLink {
  readonly endpoint = 'test://scripted';
  readonly isOpen = true;
  readonly requests: Frame[] = [];
  private readonly decoder = new FrameDecoder();
  private deliver: (chunk: Buffer) => void = () => undefined;
  write(bytes: Buffer): void {
    for (const r of this.decoder.push(bytes)) if (r.ok) this.requests.push(r.frame);
  }
  onData(handler: (chunk: Buffer) => void): void {
    this.deliver = handler;
  }
  onClose(): void {}
  async close(): Promise<void> {}
  reply(frame: Frame): void {
    this.deliver(encodeFrame(frame));
  }
  deliverRaw(bytes: Buffer): void {
    this.deliver(bytes);
  }
}

const STATUS = 0x06;
const TIMEOUT_MS = 50;
/** Lets the client's request queue (promise callbacks) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
let client: FramedClient | undefined;
afterEach(async () => client?.close());

function rig() {
  const clock = new ManualClock();
  const link = new ScriptedLink();
  client = new FramedClient('mlc', link, clock, 150, (c) => `cmd${c}`);
  client.health.identityConfirmed(); // the driver's job (IDENTIFY); these tests are about framing
  return { clock, link, client };
}

describe('framed client: replies bound to their request', () => {
  it('does not take a reply 256 requests old as the reply to the current request', async () => {
    const { clock, link, client } = rig();
    const first = client.request(STATUS, Buffer.alloc(0), TIMEOUT_MS);
    await settle();
    clock.advance(TIMEOUT_MS);
    await expect(first).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    const lateReply = { seq: link.requests[0].seq, cmd: replyCmd(STATUS), payload: Buffer.from('stale') };
    for (let i = 0; i < 255; i++) {
      const p = client.request(STATUS, Buffer.alloc(0), TIMEOUT_MS);
      await settle();
      const req = link.requests[link.requests.length - 1];
      link.reply({ seq: req.seq, cmd: replyCmd(STATUS), payload: Buffer.from('fresh') });
      await p;
    }
    const current = client.request(STATUS, Buffer.alloc(0), TIMEOUT_MS);
    await settle();
    expect(link.requests).toHaveLength(257);
    link.reply(lateReply); // the reply to request 1 turns up now
    expect(client.counters.unexpected).toBe(1);
    const req = link.requests[256];
    link.reply({ seq: req.seq, cmd: replyCmd(STATUS), payload: Buffer.from('fresh') });
    await expect(current).resolves.toMatchObject({ payload: Buffer.from('fresh') });
  });

  it('takes the reply that follows 4 noise bytes (a5 5a ff 03) at once, so the link stays fresh', async () => {
    const { clock, link, client } = rig();
    for (let i = 0; i < 20; i++) {
      const p = client.request(STATUS, Buffer.alloc(0), TIMEOUT_MS);
      await settle();
      if (i === 3) link.deliverRaw(Buffer.from('a55aff03', 'hex')); // a false header claiming 1023 bytes
      let answered: Frame | undefined;
      void p.then((f) => (answered = f), () => undefined);
      link.reply({ seq: link.requests[i].seq, cmd: replyCmd(STATUS), payload: Buffer.alloc(9) });
      await settle();
      expect(answered?.seq).toBe(link.requests[i].seq); // not held back by the false header
      clock.advance(100);
      expect(client.health.isFresh()).toBe(true);
    }
    expect(client.counters).toMatchObject({ framesRejected: 1, timeouts: 0 });
  });

  it('numbers requests beyond 255 without wrapping', async () => {
    const { link, client } = rig();
    for (let i = 0; i < 300; i++) {
      const p = client.request(STATUS, Buffer.alloc(0), TIMEOUT_MS);
      await settle();
      link.reply({ seq: link.requests[i].seq, cmd: replyCmd(STATUS), payload: Buffer.alloc(0) });
      await p;
    }
    expect(new Set(link.requests.map((r) => r.seq)).size).toBe(300);
    expect(link.requests[299].seq).toBe(300);
  });

  it('refuses a NAK that names another command than the request in flight', async () => {
    const { link, client } = rig();
    const p = client.request(STATUS, Buffer.alloc(0), TIMEOUT_MS);
    await settle();
    link.reply({ seq: link.requests[0].seq, cmd: CMD_NAK, payload: encodeNak(0x02, NakReason.OutOfRange) });
    await expect(p).rejects.toMatchObject({ code: 'FRAME_UNEXPECTED', field: 'nak.requestCmd' });
    expect(client.counters.naks).toBe(0);
  });
});
