/** A ByteLink whose far end is the test: `feed` delivers bytes to the driver, `written` records what it sent. */
import type { ByteLink } from '../../src/transport/byte-link.js';

export class ScriptedLink implements ByteLink {
  readonly endpoint = 'scripted:';
  readonly written: Buffer[] = [];
  private data: (chunk: Buffer) => void = () => undefined;
  private closeHandler: (reason: Error | undefined) => void = () => undefined;
  private open = true;
  /** Called with each frame the driver writes (the scripted device answers from here). */
  onWrite: (frame: Buffer) => void = () => undefined;

  get isOpen(): boolean {
    return this.open;
  }
  write(bytes: Buffer): void {
    if (!this.open) return;
    this.written.push(Buffer.from(bytes));
    this.onWrite(Buffer.from(bytes));
  }
  onData(handler: (chunk: Buffer) => void): void {
    this.data = handler;
  }
  onClose(handler: (reason: Error | undefined) => void): void {
    this.closeHandler = handler;
  }
  feed(bytes: Buffer | string): void {
    this.data(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }
  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.closeHandler(undefined);
  }
}
