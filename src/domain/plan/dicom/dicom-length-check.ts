/**
 * Walks the elements of DICOM bytes and refuses a file whose elements do not
 * fit it, before dcmjs parses it: dcmjs reads a value cut short (a file
 * truncated inside its last element) without complaint. Checks every
 * element's declared length against the bytes that remain, and that every
 * undefined-length sequence and item reaches its delimiter. Covers the Part-10
 * meta group (always explicit VR little endian, PS3.10 7.1) and the data set
 * in explicit or implicit VR little endian (PS3.5 7.1.2, 7.1.3; 7.5 for
 * items and delimiters). Other transfer syntaxes are left to dcmjs.
 */
import dcmjs from 'dcmjs';
import { BridgeError } from '../../../core/bridge-error.js';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** PS3.5 7.1.2: these VRs have 2 reserved bytes and a 32-bit length (header 12 bytes); the rest a 16-bit length (8). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xe000;
const ITEM_END = 0xe00d;
const SEQUENCE_END = 0xe0dd;

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** `Keyword` of a tag from the dcmjs dictionary, else `(gggg,eeee)`. */
function nameOf(group: number, element: number): string {
  const tag = `(${hex4(group)},${hex4(element)})`;
  return (dcmjs.data.DicomMetaDictionary.dictionary as Record<string, { name?: string } | undefined>)[tag]?.name ?? tag;
}

class Walker {
  private readonly v: DataView;
  constructor(private readonly b: Uint8Array, private readonly field: string, private readonly fileBytes: number) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** `Keyword (gggg,eeee)` of the last whole top-level element, to say where the file breaks. */
  private lastWhole: string | undefined;

  private cut(at: string, group: number, element: number, declared: number | string, available: number): BridgeError {
    const tag = `(${hex4(group)},${hex4(element)})`;
    const what = `${at}${nameOf(group, element)} ${tag} declares ${typeof declared === 'number' ? `${declared} bytes of value` : declared}, ${available} bytes left in the file`;
    return this.refuse(what, typeof declared === 'number' ? `${declared} bytes` : undefined);
  }

  refuse(what: string, limit?: string): BridgeError {
    const after = this.lastWhole ? `after ${this.lastWhole}` : 'in the first element';
    return new BridgeError('PLAN_INVALID', `truncated or corrupt ${after}: ${what}`, { field: this.field, actual: `${this.fileBytes} bytes`, limit });
  }

  /**
   * Walks elements from `p` until `end`, or until the delimiter `stopAt` (FFFE,xxxx) when
   * `end` is undefined (an undefined-length item). `onlyGroup`: stop at the first element
   * of another group (the meta group). Returns the offset after the last element walked.
   */
  walk(p: number, explicit: boolean, at: string, end?: number, onlyGroup?: number): number {
    const limit = end ?? this.b.length;
    while (p < limit) {
      if (p + 4 > this.b.length) throw this.refuse(`${at}: ${this.b.length - p} bytes left where an element header belongs`);
      const group = this.v.getUint16(p, true);
      const element = this.v.getUint16(p + 2, true);
      if (onlyGroup !== undefined && group !== onlyGroup) return p;
      if (group === 0xfffe && end === undefined && element === ITEM_END) {
        if (p + 8 > this.b.length) throw this.cut(at, group, element, 'an 8-byte delimiter', this.b.length - p);
        return p + 8;
      }
      p = this.element(p, group, element, explicit, at);
      if (at === '') this.lastWhole = `${nameOf(group, element)} (${hex4(group)},${hex4(element)})`;
    }
    if (end === undefined) throw this.cut(at, 0xfffe, ITEM_END, 'an item of undefined length, not closed by an Item Delimitation Item', 0);
    return p;
  }

  /** One element at `p`; returns the offset after it. */
  private element(p: number, group: number, element: number, explicit: boolean, at: string): number {
    const left = this.b.length - p;
    const vr = explicit && group !== 0xfffe && left >= 6 ? String.fromCharCode(this.b[p + 4], this.b[p + 5]) : undefined;
    const header = vr !== undefined && LONG_VRS.has(vr) ? 12 : 8;
    if (left < header) throw this.cut(at, group, element, `a ${header}-byte header`, left);
    const length = header === 12 || !explicit || group === 0xfffe ? this.v.getUint32(p + header - 4, true) : this.v.getUint16(p + 6, true);
    const start = p + header;
    if (length === UNDEFINED) return this.sequence(start, explicit, `${at}${nameOf(group, element)}`, group, element);
    if (length > this.b.length - start) throw this.cut(at, group, element, length, this.b.length - start);
    return start + length;
  }

  /** Items of an undefined-length sequence from `p` to its Sequence Delimitation Item. */
  private sequence(p: number, explicit: boolean, name: string, group: number, element: number): number {
    for (let i = 0; ; i++) {
      const left = this.b.length - p;
      if (left < 8) throw this.cut('', group, element, 'an undefined length, not closed by a Sequence Delimitation Item', left);
      const g = this.v.getUint16(p, true);
      const e = this.v.getUint16(p + 2, true);
      const length = this.v.getUint32(p + 4, true);
      if (g === 0xfffe && e === SEQUENCE_END) return p + 8;
      if (g !== 0xfffe || e !== ITEM) {
        throw this.refuse(`${name}[${i}]: (${hex4(g)},${hex4(e)}) where an item (FFFE,E000) or the sequence delimiter (FFFE,E0DD) belongs`);
      }
      const itemAt = `${name}[${i}].`;
      if (length === UNDEFINED) p = this.walk(p + 8, explicit, itemAt);
      else if (length > left - 8) throw this.cut(`${name}[${i}]`, g, e, length, left - 8);
      else p = this.walk(p + 8, explicit, itemAt, p + 8 + length);
    }
  }
}

/**
 * Throws PLAN_INVALID (field: `field`, actual: the file's size) naming the element
 * (attribute path, tag, declared and available bytes) and the last whole top-level element when an element of `part10` (a Part-10 file: preamble, "DICM", meta group)
 * does not fit the file. Transfer syntaxes other than implicit and explicit VR little
 * endian are not walked.
 */
export function checkElementLengths(part10: Uint8Array, field = 'dicom', fileBytes = part10.length): void {
  const w = new Walker(part10, field, fileBytes);
  const metaEnd = w.walk(132, true, '', part10.length, 0x0002);
  const syntax = transferSyntax(part10, metaEnd);
  if (syntax === EXPLICIT_LE || syntax === IMPLICIT_LE) w.walk(metaEnd, syntax === EXPLICIT_LE, '', part10.length);
}

/** The Transfer Syntax UID (0002,0010) of the meta group ending at `metaEnd`, or undefined. */
function transferSyntax(b: Uint8Array, metaEnd: number): string | undefined {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 132; p + 8 <= metaEnd; ) {
    const vr = String.fromCharCode(b[p + 4], b[p + 5]);
    const long = LONG_VRS.has(vr);
    const length = long ? v.getUint32(p + 8, true) : v.getUint16(p + 6, true);
    const start = p + (long ? 12 : 8);
    if (v.getUint16(p + 2, true) === 0x0010) return String.fromCharCode(...b.subarray(start, start + length)).replace(/[\0 ]+$/, '');
    p = start + length;
  }
  return undefined;
}
