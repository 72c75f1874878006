/**
 * The registrations a console reviews, with their status as the session sees them: the
 * statechart holds one pending correction; this queue remembers the earlier ones
 * (superseded by a newer image, rejected by an operator, approved) and who approved each.
 */
import type { Pose6 } from '../../core/pose.js';
import type { PendingRegistration } from '../../interlock/session-types.js';
import type { Identity } from './console-commands.js';

export type RegistrationStatus = 'pending' | 'approved' | 'rejected' | 'superseded';

export interface QueuedRegistration {
  readonly id: string;
  readonly source: string;
  /** apply | review | reject | re-setup | none (the action class, domain/registration). */
  readonly classification: string;
  readonly reasons: readonly string[];
  readonly correction: Pose6;
  /** The couch pose the correction leads to. */
  readonly target: Pose6;
  status: RegistrationStatus;
  readonly receivedAt: string;
  approvedBy?: Identity;
  /** The couch was commanded to this correction. */
  moved: boolean;
  rejectedBy?: { readonly user: string; readonly reason: string };
}

/** How many registrations a console is shown (the oldest are dropped). */
const KEEP = 20;

export class RegistrationQueue {
  private readonly items: QueuedRegistration[] = [];
  private currentId: string | undefined;

  /** Follows the statechart's pending registration; true when the queue changed. */
  observe(pending: PendingRegistration | undefined, appliedIds: readonly string[], nowIso: string): boolean {
    let changed = false;
    const id = pending?.registration.id;
    if (id !== this.currentId) {
      const previous = this.currentId === undefined ? undefined : this.get(this.currentId);
      // a correction replaced or voided before it moved the couch can no longer be acted on
      if (previous && previous.status !== 'rejected' && !previous.moved) previous.status = 'superseded';
      if (pending && id !== undefined && !this.get(id)) this.items.push(queued(pending, nowIso));
      this.currentId = id;
      changed = true;
    }
    for (const r of this.items) {
      if (!r.moved && appliedIds.includes(r.id)) {
        r.moved = true;
        r.status = 'approved';
        changed = true;
      }
    }
    while (this.items.length > KEEP) this.items.shift();
    return changed;
  }

  get(id: string): QueuedRegistration | undefined {
    return this.items.find((r) => r.id === id);
  }

  /** The registration the statechart awaits a decision on. */
  get current(): QueuedRegistration | undefined {
    return this.currentId === undefined ? undefined : this.get(this.currentId);
  }

  approve(id: string, by: Identity): void {
    const r = this.get(id)!;
    r.status = 'approved';
    r.approvedBy = by;
  }

  reject(id: string, user: string, reason: string): void {
    const r = this.get(id)!;
    r.status = 'rejected';
    r.rejectedBy = { user, reason };
  }

  list(): readonly QueuedRegistration[] {
    return this.items;
  }
}

function queued(p: PendingRegistration, receivedAt: string): QueuedRegistration {
  return {
    id: p.registration.id,
    source: p.registration.source,
    classification: p.classification.action,
    reasons: [...p.classification.reasons],
    correction: p.registration.correction,
    target: p.target,
    status: 'pending',
    receivedAt,
    moved: false,
  };
}
