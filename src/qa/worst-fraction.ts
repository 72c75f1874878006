/** How close a check came to its tolerance: the trend quantity stored per run and plotted. */
import type { QaCheckResult, QaItem, QaTolerance } from './qa-types.js';

/** Beyond-tolerance fractions are capped here (and a failed zero-tolerance item is shown at it). */
export const FRACTION_CAP = 2;

/** The levels an item was judged against: its own, else the check's single row, else the check's row with the item's unit. */
export function itemLimits(check: Pick<QaCheckResult, 'tolerance'>, item: QaItem): Pick<QaTolerance, 'tolerance' | 'action'> | undefined {
  if (item.limits) return item.limits;
  const t = check.tolerance as Partial<QaTolerance> & Record<string, unknown>;
  if (typeof t.tolerance === 'number' && typeof t.action === 'number') return { tolerance: t.tolerance, action: t.action };
  return Object.values(check.tolerance as Record<string, QaTolerance>).find((r) => r?.unit === item.unit);
}

export function itemFraction(check: Pick<QaCheckResult, 'tolerance'>, item: QaItem): number {
  const lim = itemLimits(check, item);
  const e = Math.abs(item.error);
  if (!lim || !Number.isFinite(e)) return FRACTION_CAP;
  if (lim.tolerance === 0) return e === 0 ? 0 : FRACTION_CAP;
  return Math.min(FRACTION_CAP, e / lim.tolerance);
}

/** The largest fraction over a check's items and which item it was (a check with no items: the cap when it failed). */
export function worstFraction(check: QaCheckResult): { fraction: number; item?: string } {
  let best: { fraction: number; item?: string } = { fraction: check.items.length === 0 && check.status === 'fail' ? FRACTION_CAP : 0 };
  for (const i of check.items) {
    const f = itemFraction(check, i);
    if (f >= best.fraction) best = { fraction: f, item: i.id };
  }
  return best;
}
