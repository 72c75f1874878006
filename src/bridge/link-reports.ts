/**
 * Per-link reports of the transports under the drivers: a device that cannot
 * be opened (refused, timed out, no such serial port) is reported naming the
 * link, its address and the error, once per change (not on every retry), and
 * again when it connects. The link keeps retrying; its driver stays stale,
 * so the session keeps beam-on vetoed meanwhile.
 */
import type { ByteLink, LinkSpec } from '../transport/byte-link.js';
import { describeLink } from '../transport/byte-link.js';
import { openByteLink } from '../transport/open-link.js';
import type { RoomLinkName } from './room-links.js';

export interface LinkReport {
  readonly link: RoomLinkName;
  readonly endpoint: string;
  readonly event: 'connected' | 'unreachable';
  /** Why the last attempt failed (unreachable only). */
  readonly error?: string;
  /** Open attempts on this link so far, this one included. */
  readonly attempts: number;
}

export class LinkReporter {
  private readonly last = new Map<RoomLinkName, string>();
  private readonly attempts = new Map<RoomLinkName, number>();
  private readonly pending: LinkReport[] = [];
  private sink: ((r: LinkReport) => void) | undefined;

  /** `onReport` sees each report at once (the CLI logs it). */
  constructor(private readonly onReport: (r: LinkReport) => void = () => undefined) {}

  /** An opener for the drivers that reports each change of a link's outcome. */
  readonly open = async (name: RoomLinkName, spec: LinkSpec, connectTimeoutMs: number): Promise<ByteLink> => {
    const attempts = (this.attempts.get(name) ?? 0) + 1;
    this.attempts.set(name, attempts);
    try {
      const link = await openByteLink(spec, connectTimeoutMs);
      this.note({ link: name, endpoint: describeLink(spec), event: 'connected', attempts });
      return link;
    } catch (e) {
      this.note({ link: name, endpoint: describeLink(spec), event: 'unreachable', error: (e as Error).message, attempts });
      throw e;
    }
  };

  /** From now on reports also go to `sink` (the journal), starting with those made before. */
  journalTo(sink: (r: LinkReport) => void): void {
    this.sink = sink;
    for (const r of this.pending.splice(0)) sink(r);
  }

  private note(r: LinkReport): void {
    const key = r.event === 'connected' ? 'connected' : `unreachable: ${r.error}`;
    if (this.last.get(r.link) === key) return;
    this.last.set(r.link, key);
    this.onReport(r);
    if (this.sink) this.sink(r);
    else this.pending.push(r);
  }
}

/** One log line for a report: names the link, the address and the error. */
export function describeReport(r: LinkReport): string {
  return r.event === 'connected'
    ? `link ${r.link} connected to ${r.endpoint}${r.attempts > 1 ? ` (after ${r.attempts} attempts)` : ''}`
    : `link ${r.link} ${r.endpoint} unreachable: ${r.error} (retrying; beam-on vetoed while the link is stale)`;
}
