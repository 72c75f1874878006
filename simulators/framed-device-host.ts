/**
 * Hosts framed device logic (MLC controller, linac beam link): decodes frames
 * with the same codec the driver uses, dispatches to the device, encodes the
 * reply, and applies injected link faults. Bad frames are counted and dropped.
 */
import { FrameDecoder, encodeFrame, replyCmd, CMD_NAK, encodeNak, NakReason, HEADER_BYTES, SEQ_BYTES, type Frame } from '../src/protocol/frame-codec.js';
import { noLinkFaults, sendWithFaults, type LinkFaults } from './link-faults.js';
import { StreamHost, type StreamSession } from './stream-host.js';

/** Offset of the first payload byte in an encoded frame (sync, len, seq, cmd before it). */
const FIRST_PAYLOAD_BYTE = HEADER_BYTES + SEQ_BYTES + 1;

/** A device's answer: a reply payload, or a NAK reason. */
export type DeviceReply = { readonly payload: Buffer } | { readonly nak: NakReason };

export interface FramedDevice {
  handle(frame: Frame): DeviceReply;
}

export class FramedDeviceHost {
  readonly faults: LinkFaults = noLinkFaults();
  readonly stats = { framesReceived: 0, framesRejected: 0, repliesSent: 0 };
  readonly host: StreamHost;

  constructor(private readonly device: FramedDevice) {
    this.host = new StreamHost((write) => this.session(write));
  }

  private session(write: (b: Buffer) => void): StreamSession {
    const decoder = new FrameDecoder();
    return {
      onBytes: (chunk) => {
        for (const r of decoder.push(chunk)) {
          if (!r.ok) {
            this.stats.framesRejected++;
            continue;
          }
          this.stats.framesReceived++;
          if (this.faults.silent) continue;
          const reply = this.device.handle(r.frame);
          const bytes = 'payload' in reply
            ? encodeFrame({ seq: r.frame.seq, cmd: replyCmd(r.frame.cmd), payload: reply.payload })
            : encodeFrame({ seq: r.frame.seq, cmd: CMD_NAK, payload: encodeNak(r.frame.cmd, reply.nak) });
          this.stats.repliesSent++;
          sendWithFaults(this.faults, bytes, FIRST_PAYLOAD_BYTE, write); // the CRC must catch it
        }
      },
      onEnd: () => undefined,
    };
  }
}

export { NakReason };
