/** Events every driver reports for journaling and supervision. */
import type { BridgeError } from '../core/bridge-error.js';

export type DriverEvent =
  | { readonly type: 'frame-rejected'; readonly device: string; readonly error: BridgeError; readonly rawHex: string }
  | { readonly type: 'request-failed'; readonly device: string; readonly error: BridgeError; readonly cmd: string }
  | { readonly type: 'link-fresh'; readonly device: string }
  | { readonly type: 'link-stale'; readonly device: string; readonly lastValidRxMs: number | undefined }
  | { readonly type: 'link-closed'; readonly device: string; readonly reason: string }
  /**
   * The device on the link is not the one configured (or did not say what it is within the request
   * timeout): the link stays stale. Reported once per distinct answer until the identity is confirmed.
   */
  | { readonly type: 'link-identity-mismatch'; readonly device: string; readonly expected: string; readonly actual: string }
  /** The transport is back; the link stays stale until the device answers. */
  | { readonly type: 'link-reopened'; readonly device: string };

export interface DriverCounters {
  framesRejected: number;
  timeouts: number;
  naks: number;
  unexpected: number;
}
