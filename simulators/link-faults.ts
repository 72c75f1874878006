/** Faults a simulator can inject on its link, independent of its device logic. */
export interface LinkFaults {
  /** Flip a byte in the next N replies (the peer must see a CRC or framing error). */
  corruptReplies: number;
  /** Stop answering while true (the connection stays open): a frozen device. */
  silent: boolean;
  /** Extra delay before each reply, ms. */
  replyDelayMs: number;
  /** Line noise: bytes sent once, just before the next reply (the peer must resynchronise). */
  noiseBeforeNextReply: Buffer | undefined;
}

export const noLinkFaults = (): LinkFaults => ({ corruptReplies: 0, silent: false, replyDelayMs: 0, noiseBeforeNextReply: undefined });

/** Applies corruption to an encoded reply; returns the bytes to send. */
export function applyCorruption(faults: LinkFaults, bytes: Buffer, index: number): Buffer {
  if (faults.corruptReplies <= 0) return bytes;
  faults.corruptReplies--;
  const out = Buffer.from(bytes);
  const i = Math.min(out.length - 1, Math.max(0, index));
  out[i] ^= 0x5a;
  return out;
}

/** Sends a reply through the injected faults: corrupted at `corruptIndex`, delayed, or as is. */
export function sendWithFaults(faults: LinkFaults, bytes: Buffer, corruptIndex: number, write: (b: Buffer) => void): void {
  const noise = faults.noiseBeforeNextReply;
  faults.noiseBeforeNextReply = undefined;
  const corrupted = applyCorruption(faults, bytes, corruptIndex);
  const out = noise ? Buffer.concat([noise, corrupted]) : corrupted;
  if (faults.replyDelayMs > 0) setTimeout(() => write(out), faults.replyDelayMs);
  else write(out);
}
