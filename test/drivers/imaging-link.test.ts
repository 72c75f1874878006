import { describe, expect, it } from 'vitest';
import { registrationMessages, type RawRegistration } from '../../src/drivers/imaging-link.js';
import type { ByteLink } from '../../src/transport/byte-link.js';

/** A link the test feeds by hand. */
function handLink(): { link: ByteLink; push: (s: string) => void } {
  let onData: (c: Buffer) => void = () => undefined;
  const link: ByteLink = { endpoint: 'test', isOpen: true, write: () => undefined, onData: (h) => void (onData = h), onClose: () => undefined, close: async () => undefined };
  return { link, push: (s) => onData(Buffer.from(s, 'utf8')) };
}

describe('imaging link (NDJSON registrations)', () => {
  it('refuses a line of 24 KB of nested brackets before parsing it, and keeps the lines around it', () => {
    const { link, push } = handLink();
    const got: RawRegistration[] = [];
    registrationMessages(link).subscribe((m) => got.push(m));
    push(`{"a":1}\n${'['.repeat(12_000)}${']'.repeat(12_000)}\n{"b":2}\n`);
    expect(got.map((m) => (m.ok ? m.value : { refusal: m.refusal?.field, actual: m.refusal?.actual, line: m.line }))).toEqual([{ a: 1 }, { refusal: 'registration.body.depth', actual: 12_000, line: '' }, { b: 2 }]);
  });

  it('refuses a line longer than the limit with its size once its newline arrives, instead of dropping it silently', () => {
    const { link, push } = handLink();
    const got: RawRegistration[] = [];
    registrationMessages(link).subscribe((m) => got.push(m));
    push('{"pad":"');
    for (let i = 0; i < 20; i++) push('x'.repeat(50_000));
    push('"}\n{"b":2}\n');
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ ok: false, refusal: { code: 'LIMIT_EXCEEDED', field: 'registration.body.bytes', actual: 8 + 20 * 50_000 + 2 } });
    expect(got[1]).toEqual({ ok: true, value: { b: 2 } });
  });
});
