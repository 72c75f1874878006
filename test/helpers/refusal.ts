/** The BridgeError `f` throws (fails the test if it throws anything else, or nothing). */
import { expect } from 'vitest';
import { BridgeError } from '../../src/core/bridge-error.js';

export function refusal(f: () => unknown): BridgeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BridgeError);
    return e as BridgeError;
  }
  throw new Error('expected a refusal');
}

/** The BridgeError `f` rejects with. */
export async function asyncRefusal(f: () => unknown): Promise<BridgeError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(BridgeError);
    return e as BridgeError;
  }
  throw new Error('expected a refusal');
}
