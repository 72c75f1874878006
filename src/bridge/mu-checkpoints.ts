/**
 * Journals the linac's MU readback on both channels: every readback whose
 * counters or beam state changed (at the 100 ms heartbeat while the beam is on,
 * so the journal lags the linac by at most one readback), never a repeat.
 * Recovery after a crash folds these entries (DeliveryLedger) into the
 * delivered MU per segment.
 */
import { BeamState, type BeamStatus } from '../protocol/beam-protocol.js';
import type { JournalSink } from '../journal/journal.js';

export class MuCheckpoints {
  private last: Pick<BeamStatus, 'beamId' | 'state' | 'mu1' | 'mu2'> | undefined;

  constructor(private readonly journal: JournalSink) {}

  observe(s: BeamStatus): void {
    const l = this.last;
    if (!l || s.mu1 !== l.mu1 || s.mu2 !== l.mu2 || s.state !== l.state || s.beamId !== l.beamId) {
      this.journal.append('mu-checkpoint', { beamId: s.beamId, state: BeamState[s.state], mu1: s.mu1, mu2: s.mu2, presetMu: s.presetMu, segmentEndMu: s.segmentEndMu });
    }
    this.last = s;
  }
}
