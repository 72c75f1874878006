/**
 * DICOM UIDs without a registered root: a UUID written as one decimal integer
 * under the root 2.25 (PS3.5 B.2, "UUID Derived UID"; ITU-T X.667 | ISO/IEC
 * 9834-8). At most 2.25. + 39 digits = 44 characters, under the 64 of PS3.5 9.1.
 * Pure: the UUID comes from the caller (crypto.randomUUID in the bridge).
 */
import { BridgeError } from '../../core/bridge-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `2.25.<the UUID's 128 bits as an unsigned decimal integer>` (no leading zeros, PS3.5 9.1). */
export function uidFromUuid(uuid: string): string {
  if (!UUID.test(uuid)) throw new BridgeError('INPUT_INVALID', `not a UUID: ${uuid}`, { field: 'uuid', actual: uuid, limit: '8-4-4-4-12 hex digits' });
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString(10)}`;
}
