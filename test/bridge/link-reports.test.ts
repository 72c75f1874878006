import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeReport, LinkReporter, type LinkReport } from '../../src/bridge/link-reports.js';

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('link reports', () => {
  it('reports an unreachable link once per error (not per retry), naming link, address and error, and again when it connects; journaled reports include those made before the journal', async () => {
    const seen: LinkReport[] = [];
    const journaled: LinkReport[] = [];
    const reporter = new LinkReporter((r) => seen.push(r));
    const port = await deadPort();
    const spec = { kind: 'tcp' as const, host: '127.0.0.1', port };
    for (let i = 0; i < 3; i++) await expect(reporter.open('mlc', spec, 500)).rejects.toThrow(/ECONNREFUSED/);
    expect(seen).toHaveLength(1);
    expect(describeReport(seen[0])).toMatch(new RegExp(`^link mlc tcp://127\\.0\\.0\\.1:${port} unreachable: .*ECONNREFUSED.*\\(retrying; beam-on vetoed`));
    reporter.journalTo((r) => journaled.push(r));
    expect(journaled).toEqual(seen);
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    const link = await reporter.open('mlc', spec, 500);
    await link.close();
    server.close();
    expect(seen.map((r) => r.event)).toEqual(['unreachable', 'connected']);
    expect(describeReport(seen[1])).toBe(`link mlc connected to tcp://127.0.0.1:${port} (after 4 attempts)`);
    expect(journaled).toHaveLength(2);
  });
});
