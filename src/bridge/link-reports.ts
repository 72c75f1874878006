/**
 * Per-link reports of the transports under the drivers: a device that cannot
 * be opened (refused, timed out, no such serial port) is reported naming the
 * link, its address and the error, once per change (not on every retry), and
 * again when it connects. The link keeps retrying; its driver stays stale,
 * so the session keeps beam-on vetoed meanwhile. A device that answers but is
 * not the configured one (its driver's `link-identity-mismatch`) is reported
 * the same way, with the expected and the actual identity.
 */
import type { Observable } from 'rxjs';
import type { DriverEvent } from '../drivers/driver-event.js';
import type { ByteLink, LinkSpec } from '../transport/byte-link.js';
import { describeLink } from '../transport/byte-link.js';
import { openByteLink } from '../transport/open-link.js';
import type { RoomLinkName } from './room-links.js';

export interface LinkReport {
  readonly link: RoomLinkName;
  readonly endpoint: string;
  readonly event: 'connected' | 'unreachable' | 'identity-mismatch';
  /** Why the last attempt failed (unreachable only). */
  readonly error?: string;
  /** The configured device and what answered instead (identity-mismatch only). */
  readonly expected?: string;
  readonly actual?: string;
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

  /**
   * Reports the identity mismatches among a driver's events. Those before `journalTo` are journaled
   * with the pending reports; later ones are journaled by the session with every driver event.
   */
  watchIdentity(name: RoomLinkName, endpoint: string, events$: Observable<DriverEvent>): void {
    events$.subscribe((e) => {
      if (e.type !== 'link-identity-mismatch') return;
      this.note({ link: name, endpoint, event: 'identity-mismatch', expected: e.expected, actual: e.actual, attempts: this.attempts.get(name) ?? 0 });
    });
  }

  /** From now on reports also go to `sink` (the journal), starting with those made before. */
  journalTo(sink: (r: LinkReport) => void): void {
    this.sink = sink;
    for (const r of this.pending.splice(0)) sink(r);
  }

  private note(r: LinkReport): void {
    const key = r.event === 'connected' ? 'connected' : r.event === 'unreachable' ? `unreachable: ${r.error}` : `identity: ${r.actual}`;
    if (this.last.get(r.link) === key) return;
    this.last.set(r.link, key);
    this.onReport(r);
    if (this.sink) {
      if (r.event !== 'identity-mismatch') this.sink(r); // the session journals driver events once it has started
    }
    else this.pending.push(r);
  }
}

/** The journal's `device-event` for a report. */
export function reportRecord(r: LinkReport): object {
  if (r.event === 'identity-mismatch') return { device: r.link, type: 'link-identity-mismatch', endpoint: r.endpoint, expected: r.expected, actual: r.actual };
  return { device: r.link, type: r.event === 'connected' ? 'link-connected' : 'link-unreachable', endpoint: r.endpoint, error: r.error, attempts: r.attempts };
}

/** One log line for a report: names the link, the address and the error (or the expected and the actual device). */
export function describeReport(r: LinkReport): string {
  if (r.event === 'identity-mismatch') return `link ${r.link} ${r.endpoint} is not the configured device: expected ${r.expected}, got ${r.actual} (link stays stale; beam-on vetoed; retried on reconnect)`;
  return r.event === 'connected'
    ? `link ${r.link} connected to ${r.endpoint}${r.attempts > 1 ? ` (after ${r.attempts} attempts)` : ''}`
    : `link ${r.link} ${r.endpoint} unreachable: ${r.error} (retrying; beam-on vetoed while the link is stale)`;
}
