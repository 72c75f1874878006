/** Maps modbus-serial's errors to BridgeErrors; malformed replies count as rejected frames. */
import { BridgeError } from '../core/bridge-error.js';

export function mapModbusError(e: unknown, field: string, timeoutMs: number): BridgeError {
  const err = e as { message?: string; modbusCode?: number; errno?: string };
  const msg = err?.message ?? String(e);
  if (err?.modbusCode !== undefined) return new BridgeError('DEVICE_REJECTED', `Modbus exception ${err.modbusCode}`, { field, actual: err.modbusCode, cause: e });
  if (/timed out/i.test(msg) || err?.errno === 'ETIMEDOUT') return new BridgeError('REQUEST_TIMEOUT', 'no reply', { field, limit: timeoutMs, unit: 'ms', cause: e });
  if (/CRC/i.test(msg)) return new BridgeError('FRAME_CRC', msg, { field, cause: e });
  if (/length|Unexpected data/i.test(msg)) return new BridgeError('FRAME_MALFORMED', msg, { field, cause: e });
  if (/not open|closed/i.test(msg)) return new BridgeError('LINK_CLOSED', msg, { field, cause: e });
  return new BridgeError('DEVICE_FAULT', msg, { field, cause: e });
}
