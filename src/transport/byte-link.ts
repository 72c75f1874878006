/**
 * A byte pipe to a device: serial port or TCP (serial device server). No
 * protocol knowledge. Drivers see only this interface; transports are factories.
 */
export interface ByteLink {
  /** Human-readable endpoint, e.g. `tcp://127.0.0.1:5020` or `serial:/dev/ttyUSB0@115200`. */
  readonly endpoint: string;
  write(bytes: Buffer): void;
  /** Registers the single consumer of incoming bytes. */
  onData(handler: (chunk: Buffer) => void): void;
  /** Called when the link closes for any reason (error or remote close): once, or once per drop for a reconnecting link. */
  onClose(handler: (reason: Error | undefined) => void): void;
  readonly isOpen: boolean;
  /** Reconnecting links only: called after the transport has been reopened (then onClose may fire again). */
  onReopen?(handler: () => void): void;
  close(): Promise<void>;
}

export type LinkSpec =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'serial'; readonly path: string; readonly baudRate: number };

export function describeLink(spec: LinkSpec): string {
  return spec.kind === 'tcp' ? `tcp://${spec.host}:${spec.port}` : `serial:${spec.path}@${spec.baudRate}`;
}
