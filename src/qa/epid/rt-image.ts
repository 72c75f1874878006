/**
 * A DICOM RT Image (an EPID acquisition) as an `EpidImage`: pure, takes the
 * dataset dcmjs naturalized (the caller reads the file). Pixel values are
 * rescaled (Rescale Slope/Intercept); the pixel size is brought to the
 * isocentre plane: Image Plane Pixel Spacing (3002,0011) × Radiation Machine
 * SAD (3002,0022) / RT Image SID (3002,0026) (DICOM PS3.3 C.8.8.2). The panel
 * is taken as centred on the beam axis, shifted by X-Ray Image Receptor
 * Translation (3002,000D) x/y when present. Only uncompressed 16-bit
 * monochrome images are read; anything else is refused, naming the field.
 */
import { BridgeError } from '../../core/bridge-error.js';
import type { EpidImage } from './epid-image.js';

const num = (ds: Record<string, unknown>, key: string): number => {
  const raw = ds[key];
  const v = Array.isArray(raw) ? raw[0] : raw;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new BridgeError('INPUT_INVALID', `RT Image ${key} is missing or not a number`, { field: key, actual: String(raw) });
  return n;
};

const pair = (ds: Record<string, unknown>, key: string): [number, number] => {
  const raw = ds[key];
  const v = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split('\\') : []).map(Number);
  if (v.length < 2 || !v.every((x) => Number.isFinite(x) && x > 0)) throw new BridgeError('INPUT_INVALID', `RT Image ${key} must hold two positive spacings`, { field: key, actual: String(raw) });
  return [v[0], v[1]];
};

export interface RtImageInfo {
  readonly image: EpidImage;
  /** The panel's own pixel size and distance, for the record. */
  readonly panelPixelMm: number;
  readonly sidMm: number;
  readonly sadMm: number;
}

export function rtImageToEpidImage(ds: Record<string, unknown>): RtImageInfo {
  const rows = num(ds, 'Rows');
  const cols = num(ds, 'Columns');
  if (num(ds, 'BitsAllocated') !== 16) throw new BridgeError('INPUT_INVALID', 'only 16-bit RT Images are read', { field: 'BitsAllocated', actual: String(ds.BitsAllocated), limit: 16 });
  if (num(ds, 'SamplesPerPixel') !== 1) throw new BridgeError('INPUT_INVALID', 'only monochrome RT Images are read', { field: 'SamplesPerPixel', actual: String(ds.SamplesPerPixel), limit: 1 });
  const signed = num(ds, 'PixelRepresentation') === 1;
  const [rowSpacing, colSpacing] = pair(ds, 'ImagePlanePixelSpacing');
  if (Math.abs(rowSpacing - colSpacing) > 1e-6) throw new BridgeError('INPUT_INVALID', 'non-square pixels are not supported', { field: 'ImagePlanePixelSpacing', actual: `${rowSpacing}\\${colSpacing}` });
  const sidMm = num(ds, 'RTImageSID');
  const sadMm = ds.RadiationMachineSAD === undefined ? 1000 : num(ds, 'RadiationMachineSAD');
  const slope = ds.RescaleSlope === undefined ? 1 : num(ds, 'RescaleSlope');
  const intercept = ds.RescaleIntercept === undefined ? 0 : num(ds, 'RescaleIntercept');
  const frames = ds.PixelData;
  const buf = Array.isArray(frames) ? frames[0] : frames;
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < rows * cols * 2) throw new BridgeError('INPUT_INVALID', 'RT Image pixel data is missing or shorter than Rows × Columns', { field: 'PixelData', actual: buf instanceof ArrayBuffer ? buf.byteLength : typeof buf, limit: rows * cols * 2, unit: 'bytes' });
  const view = new DataView(buf);
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = (signed ? view.getInt16(2 * k, true) : view.getUint16(2 * k, true)) * slope + intercept;
  const scale = sadMm / sidMm;
  const pixelMm = colSpacing * scale;
  const t = Array.isArray(ds.XRayImageReceptorTranslation) ? (ds.XRayImageReceptorTranslation as unknown[]).map(Number) : [0, 0];
  return {
    image: { rows, cols, data, pixelMm, x0Mm: -((cols - 1) / 2) * pixelMm + (t[0] || 0) * scale, y0Mm: -((rows - 1) / 2) * pixelMm + (t[1] || 0) * scale },
    panelPixelMm: colSpacing,
    sidMm,
    sadMm,
  };
}
