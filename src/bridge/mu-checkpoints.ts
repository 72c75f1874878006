/** Journals delivered MU on both channels at every whole MU and at every change of beam state. */
import { BeamState, type BeamStatus } from '../protocol/beam-protocol.js';
import type { JournalSink } from '../journal/journal.js';

export class MuCheckpoints {
  private lastWholeMu = -1;
  private lastState: BeamState | undefined;
  private lastBeamId: number | undefined;

  constructor(private readonly journal: JournalSink) {}

  observe(s: BeamStatus): void {
    const whole = Math.floor(s.mu1);
    if (s.beamId !== this.lastBeamId) this.lastWholeMu = -1;
    if (whole !== this.lastWholeMu || s.state !== this.lastState) {
      this.journal.append('mu-checkpoint', { beamId: s.beamId, state: BeamState[s.state], mu1: s.mu1, mu2: s.mu2, presetMu: s.presetMu, segmentEndMu: s.segmentEndMu });
    }
    this.lastWholeMu = whole;
    this.lastState = s.state;
    this.lastBeamId = s.beamId;
  }
}
