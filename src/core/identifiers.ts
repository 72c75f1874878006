/**
 * Identifiers that reach a file name, a journal line or a terminal: checked
 * by pattern at the boundary so `../../../tmp/x` cannot place a journal, a
 * newline cannot forge a log line, and an empty operator cannot approve.
 */
import { BridgeError } from './bridge-error.js';

/** patientId, planId: letters, digits, `.`, `_`, `-`; starts with a letter or digit (so never `..` or `/`); 1–64 characters. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ID_RULE = 'A-Z a-z 0-9 . _ -, starting with a letter or digit, 1..64 characters';

/** Operator names: letters (any script), digits, space, `.`, `'`, `_`, `-`; no control characters; 1–64 characters. */
export const OPERATOR_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{N} .'_-]{0,62}[\p{L}\p{N}.])?$/u;
export const OPERATOR_RULE = "letters, digits, space . ' _ -, starting with a letter or digit, 1..64 characters";

/** Free text (names, labels): anything but control characters. */
export const NO_CONTROL_PATTERN = /^[^\p{Cc}]*$/u;

export function checkId(value: string, field: string): string {
  if (!ID_PATTERN.test(value)) throw new BridgeError('INPUT_INVALID', 'not a valid identifier', { field, actual: JSON.stringify(value), limit: ID_RULE });
  return value;
}

export function checkOperator(value: string, field: string): string {
  if (!OPERATOR_PATTERN.test(value)) throw new BridgeError('INPUT_INVALID', 'not a valid operator name', { field, actual: JSON.stringify(value), limit: OPERATOR_RULE });
  return value;
}

/** Control characters shown as \uXXXX: for text from outside that goes to a terminal. */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
