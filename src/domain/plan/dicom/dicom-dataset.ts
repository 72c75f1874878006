/**
 * DICOM bytes → naturalized dataset (dcmjs), for Part-10 files and for bare
 * data sets without the 128-byte preamble and meta header (PS3.10 7.1), which
 * some planning systems write. A bare data set's transfer syntax is detected
 * from its first element: two upper-case letters forming a VR after the tag
 * mean explicit VR little endian, anything else implicit VR little endian
 * (PS3.5 7.1.2, 7.1.3). Corrupt or truncated input is a PLAN_INVALID naming
 * what failed; nothing half-read is returned.
 */
import dcmjs from 'dcmjs';
import { BridgeError } from '../../../core/bridge-error.js';
import { checkElementLengths } from './dicom-length-check.js';

export type Dataset = Record<string, unknown>;

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const VRS = new Set('AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '));

const fail = (field: string, summary: string, actual?: string | number) => new BridgeError('PLAN_INVALID', summary, { field, actual });

/** True when the bytes carry the Part-10 preamble and "DICM" prefix. */
export const hasPart10Header = (b: Uint8Array): boolean => b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;

/** Transfer syntax of a bare data set, judged from its first element (little endian assumed, as for every dataset we accept). */
export function bareDatasetSyntax(b: Uint8Array): string {
  if (b.length < 8) throw fail('dicom', 'too short to be a DICOM data set', b.length);
  const vr = String.fromCharCode(b[4], b[5]);
  return VRS.has(vr) ? EXPLICIT_LE : IMPLICIT_LE;
}

/** Part-10 meta header (explicit VR LE) announcing `syntax`, so dcmjs can read a bare data set. */
function metaHeaderFor(syntax: string): Uint8Array {
  const uid = syntax.length % 2 ? `${syntax}\0` : syntax;
  const tsElement = new Uint8Array(8 + uid.length);
  const v = new DataView(tsElement.buffer);
  v.setUint16(0, 0x0002, true);
  v.setUint16(2, 0x0010, true);
  tsElement.set([0x55, 0x49], 4); // "UI"
  v.setUint16(6, uid.length, true);
  for (let i = 0; i < uid.length; i++) tsElement[8 + i] = uid.charCodeAt(i);
  const out = new Uint8Array(132 + 12 + tsElement.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  const g = new DataView(out.buffer, 132, 12);
  g.setUint16(0, 0x0002, true);
  g.setUint16(2, 0x0000, true);
  out.set([0x55, 0x4c], 136); // "UL"
  g.setUint16(6, 4, true);
  g.setUint32(8, tsElement.length, true);
  out.set(tsElement, 144);
  return out;
}

/** Parses DICOM bytes (Part-10 or a bare little-endian data set) into a naturalized dataset. */
export function readDicomBytes(bytes: Uint8Array, field = 'dicom'): Dataset {
  let part10: Uint8Array = bytes;
  if (!hasPart10Header(bytes)) {
    const meta = metaHeaderFor(bareDatasetSyntax(bytes));
    part10 = new Uint8Array(meta.length + bytes.length);
    part10.set(meta, 0);
    part10.set(bytes, meta.length);
  }
  checkElementLengths(part10, field, bytes.length); // dcmjs reads a value cut short without complaint
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  try {
    const ab = part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.byteLength);
    const dict = DicomMessage.readFile(ab, { ignoreErrors: false }).dict as RawDict;
    checkNumericStrings(dict, '');
    return DicomMetaDictionary.naturalizeDataset(dict) as Dataset;
  } catch (e) {
    if (e instanceof BridgeError) throw e;
    const after = lastReadableElement(part10);
    const where = after ? `the element after ${after}` : 'the first element';
    throw new BridgeError('PLAN_INVALID', `truncated or corrupt: cannot read ${where} (${String((e as Error).message).slice(0, 120)})`, { field, actual: `${bytes.length} bytes`, cause: e });
  }
}

/** The last top-level element a lenient read gets through, `Keyword (gggg,eeee)`, to say where a broken file breaks. */
function lastReadableElement(part10: Uint8Array): string | undefined {
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  const level = dcmjs.log.getLevel();
  dcmjs.log.setLevel('silent'); // the lenient read warns on the console about the very error reported here
  try {
    const ab = part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.byteLength);
    const tags = Object.keys(DicomMessage.readFile(ab, { ignoreErrors: true }).dict as Record<string, unknown>);
    const last = tags[tags.length - 1];
    if (!last) return undefined;
    const tag = `(${last.slice(0, 4)},${last.slice(4)})`;
    const name = (DicomMetaDictionary.dictionary as Record<string, { name?: string } | undefined>)[tag]?.name;
    return `${name ?? 'an element'} ${tag}`;
  } catch {
    return undefined;
  } finally {
    dcmjs.log.setLevel(level);
  }
}

type RawDict = Record<string, { vr?: string; Value?: unknown[]; _rawValue?: unknown } | undefined>;
/** PS3.5 6.2: DS is a fixed or floating point number (digits, + - . E e, spaces around); IS an optionally signed integer. */
const NUMERIC: Record<string, RegExp> = { DS: /^ *[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)? *$/, IS: /^ *[+-]?\d+ *$/ };

/**
 * Refuses a DS or IS value that is not a number as written. dcmjs strips every
 * character but digits, sign, point and e before converting ("1,5" reads 15,
 * "NaN" or "abc" read as an empty value that the import would carry forward), so
 * the raw text is checked here, in every nested sequence, naming the attribute.
 */
function checkNumericStrings(dict: RawDict, at: string): void {
  const names = dcmjs.data.DicomMetaDictionary.dictionary as Record<string, { name?: string } | undefined>;
  for (const [tag, el] of Object.entries(dict)) {
    if (!el) continue;
    const key = names[`(${tag.slice(0, 4)},${tag.slice(4)})`]?.name ?? tag;
    if (el.vr === 'SQ') {
      (el.Value ?? []).forEach((item, i) => checkNumericStrings(item as RawDict, `${at}${key}[${i}].`));
      continue;
    }
    const pattern = el.vr ? NUMERIC[el.vr] : undefined;
    if (!pattern) continue;
    const raw = Array.isArray(el._rawValue) ? el._rawValue : [el._rawValue];
    for (const v of raw) {
      if (typeof v !== 'string' || v.trim() === '') continue; // an empty value is absent (the import decides whether that is allowed)
      if (!pattern.test(v) || !Number.isFinite(Number(v))) {
        throw new BridgeError('PLAN_INVALID', `not a ${el.vr === 'IS' ? 'integer string' : 'decimal string'} (PS3.5 6.2)`, { field: `dicom.${at}${key}`, actual: v.trim().slice(0, 40), limit: el.vr === 'IS' ? '[+-]digits' : '[+-]digits[.digits][E[+-]digits], finite' });
      }
    }
  }
}
