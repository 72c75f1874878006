/**
 * Simulated CBCT registration source: after an "acquisition" it publishes a
 * registration result as NDJSON to every connected client. The setup error it
 * reports is the one the room was given, so tests know the right answer.
 */
import { randomUUID } from 'node:crypto';
import type { Pose6 } from '../src/core/pose.js';
import { encodeRegistrationLine, type RegistrationMessage } from '../src/protocol/registration-message.js';
import { StreamHost } from './stream-host.js';

export interface ImagingSubject {
  readonly patientId: string;
  readonly planId: string;
  readonly fraction: number;
}

export class ImagingSource {
  private readonly writers = new Set<(b: Buffer) => void>();
  readonly host: StreamHost;
  published = 0;

  constructor() {
    this.host = new StreamHost((write) => {
      this.writers.add(write);
      return { onBytes: () => undefined, onEnd: () => this.writers.delete(write) };
    });
  }

  get clients(): number {
    return this.writers.size;
  }

  /** Publishes a registration whose correction is `correction` (what the couch must do). */
  acquire(subject: ImagingSubject, correction: Pose6, overrides: Partial<RegistrationMessage> = {}): RegistrationMessage {
    const now = new Date().toISOString();
    const msg: RegistrationMessage = {
      id: randomUUID(),
      ...subject,
      imageSeries: `CBCT-${subject.fraction}-${this.published + 1}`,
      acquiredAt: now,
      registeredAt: now,
      method: 'bony',
      roiName: 'PTV',
      frame: 'tableTop', // a CBCT reconstructed in the patient's frame
      correction: { lateral: correction.lateralMm, longitudinal: correction.longitudinalMm, vertical: correction.verticalMm, pitch: correction.pitchDeg, roll: correction.rollDeg, yaw: correction.yawDeg },
      units: { translation: 'mm', rotation: 'deg' },
      quality: 0.93,
      source: 'sim-cbct',
      ...overrides,
    };
    this.publishRaw(encodeRegistrationLine(msg));
    return msg;
  }

  /** Sends any text as-is (malformed input for tests). */
  publishRaw(line: string): void {
    this.published++;
    const bytes = Buffer.from(line, 'utf8');
    for (const w of this.writers) w(bytes);
  }
}
