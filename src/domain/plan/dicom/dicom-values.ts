/**
 * Typed reads from a naturalized dcmjs dataset. Each read names the attribute
 * path it failed at (`dicom.BeamSequence[0].ControlPointSequence[3].GantryAngle`),
 * so a refused plan says exactly which field is missing or wrong.
 */
import { BridgeError } from '../../../core/bridge-error.js';
import type { Dataset } from './dicom-dataset.js';

export const dicomError = (field: string, summary: string, extra: { actual?: string | number; limit?: string | number; unit?: string } = {}) =>
  new BridgeError('PLAN_INVALID', summary, { field: `dicom.${field}`, ...extra });

/** Items of a sequence (dcmjs gives an array, or an object for one item); [] when absent. */
export function seq(ds: Dataset, key: string): Dataset[] {
  const v = ds[key];
  return Array.isArray(v) ? (v as Dataset[]) : v && typeof v === 'object' ? [v as Dataset] : [];
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/** All numbers of a DS/IS value (backslash-separated strings included); [] when absent or empty. */
export function numbers(ds: Dataset, key: string, at: string): number[] {
  const v = ds[key];
  if (!present(v)) return [];
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? v.split('\\') : [v];
  const out = raw.map((x) => (typeof x === 'number' ? x : Number(String(x).trim())));
  if (out.some((x) => !Number.isFinite(x))) throw dicomError(`${at}.${key}`, 'not a finite number', { actual: String(v).slice(0, 60) });
  return out;
}

/** One number, or undefined when the attribute is absent or empty. */
export function optNumber(ds: Dataset, key: string, at: string): number | undefined {
  const n = numbers(ds, key, at);
  if (n.length > 1) throw dicomError(`${at}.${key}`, 'one value expected', { actual: n.length, limit: 1 });
  return n[0];
}

export function reqNumber(ds: Dataset, key: string, at: string): number {
  const n = optNumber(ds, key, at);
  if (n === undefined) throw dicomError(`${at}.${key}`, 'missing');
  return n;
}

/** A string value (a PN is given as its Alphabetic form); undefined when absent or empty. */
export function optString(ds: Dataset, key: string): string | undefined {
  let v = ds[key];
  if (Array.isArray(v)) v = v[0];
  if (v && typeof v === 'object' && 'Alphabetic' in (v as object)) v = (v as { Alphabetic: unknown }).Alphabetic;
  if (!present(v)) return undefined;
  return String(v).trim();
}

export function reqString(ds: Dataset, key: string, at: string): string {
  const s = optString(ds, key);
  if (s === undefined || s === '') throw dicomError(`${at ? `${at}.` : ''}${key}`, 'missing');
  return s;
}
