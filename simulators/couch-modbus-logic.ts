/**
 * The couch's Modbus application layer (PDU in, PDU out), shared by the TCP
 * and RTU hosts, with injected exception responses.
 */
import { ModbusException, ModbusFn, decodeRequestPdu, encodeException, encodeReadResponse, encodeWriteMultipleResponse, encodeWriteSingleResponse, type ModbusRequest } from '../src/protocol/modbus-codec.js';
import type { CouchDevice } from './couch-device.js';

export class CouchModbusLogic {
  /** Answer the next N requests with SERVER DEVICE BUSY. */
  exceptionReplies = 0;

  constructor(private readonly device: CouchDevice) {}

  answer(pdu: Buffer): Buffer {
    const decoded = decodeRequestPdu(pdu);
    if (!decoded.ok) return encodeException(decoded.fn, decoded.exception);
    if (this.exceptionReplies > 0) {
      this.exceptionReplies--;
      return encodeException(decoded.request.fn, ModbusException.ServerDeviceBusy);
    }
    return this.apply(decoded.request);
  }

  /**
   * A broadcast (serial unit 0): writes are executed, nothing is answered, and reads are not
   * executed (Modbus over Serial Line V1.02 §2.2: broadcast requests are writing commands).
   * Returns true if the request was executed.
   */
  executeBroadcast(pdu: Buffer): boolean {
    const decoded = decodeRequestPdu(pdu);
    if (!decoded.ok || decoded.request.fn === ModbusFn.ReadHoldingRegisters) return false;
    return this.apply(decoded.request)[0] === decoded.request.fn; // an exception reply sets bit 7
  }

  private apply(r: ModbusRequest): Buffer {
    switch (r.fn) {
      case ModbusFn.ReadHoldingRegisters: {
        const values = this.device.read(r.address, r.count);
        return values ? encodeReadResponse(values) : encodeException(r.fn, ModbusException.IllegalDataAddress);
      }
      case ModbusFn.WriteSingleRegister:
        return this.device.write(r.address, [r.value]) ? encodeWriteSingleResponse(r.address, r.value) : encodeException(r.fn, ModbusException.IllegalDataAddress);
      case ModbusFn.WriteMultipleRegisters:
        return this.device.write(r.address, r.values) ? encodeWriteMultipleResponse(r.address, r.values.length) : encodeException(r.fn, ModbusException.IllegalDataAddress);
    }
  }
}
