/** Opens a ByteLink from a link spec: the one place that picks a transport. */
import type { ByteLink, LinkSpec } from './byte-link.js';
import { openReconnecting, type ReconnectingLink } from './reconnecting-link.js';
import { openSerialLink } from './serial-link.js';
import { openTcpLink } from './tcp-link.js';

/** A link that reopens itself after a drop (see reconnecting-link.ts). */
export function openReconnectingByteLink(spec: LinkSpec, connectTimeoutMs: number): Promise<ReconnectingLink> {
  return openReconnecting(() => openByteLink(spec, connectTimeoutMs));
}

export function openByteLink(spec: LinkSpec, connectTimeoutMs: number): Promise<ByteLink> {
  return spec.kind === 'tcp' ? openTcpLink(spec.host, spec.port, connectTimeoutMs) : openSerialLink(spec.path, spec.baudRate);
}
