/** Opens a ByteLink from a link spec: the one place that picks a transport. */
import type { Clock } from '../core/clock.js';
import { describeLink, type ByteLink, type LinkSpec } from './byte-link.js';
import { openReconnecting, type ReconnectingLink, type ReconnectOptions } from './reconnecting-link.js';
import { openSerialLink } from './serial-link.js';
import { openTcpLink } from './tcp-link.js';

export interface ReconnectingByteLinkOptions {
  readonly clock?: Clock;
  /** See `ReconnectOptions.firstOpen`: 'retry' starts closed when the device is not there yet. */
  readonly firstOpen?: ReconnectOptions['firstOpen'];
  /** Opens the transport (default `openByteLink`); a caller wraps it to report each failed attempt. */
  readonly open?: (spec: LinkSpec, connectTimeoutMs: number) => Promise<ByteLink>;
}

/** A link that reopens itself after a drop (see reconnecting-link.ts). */
export function openReconnectingByteLink(spec: LinkSpec, connectTimeoutMs: number, opts: ReconnectingByteLinkOptions = {}): Promise<ReconnectingLink> {
  const open = opts.open ?? openByteLink;
  return openReconnecting(() => open(spec, connectTimeoutMs), { clock: opts.clock, firstOpen: opts.firstOpen, endpoint: describeLink(spec) });
}

export function openByteLink(spec: LinkSpec, connectTimeoutMs: number): Promise<ByteLink> {
  return spec.kind === 'tcp' ? openTcpLink(spec.host, spec.port, connectTimeoutMs) : openSerialLink(spec.path, spec.baudRate);
}
