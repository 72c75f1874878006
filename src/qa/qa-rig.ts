/**
 * What a QA check works with: the bridge's own drivers (over their real links), a way
 * to open a bridge session for QA-mode beams, and the room actions and independent
 * observations a physicist would make (open the door, press the e-stop, image the
 * phantom, watch the beam-on light). Against the simulators these are done by the
 * command line's simulated rig (src/cli/qa/sim-rig.ts); on a real machine a physicist
 * does them when prompted (not built yet).
 */
import type { BridgeSession } from '../bridge/bridge-session.js';
import type { RoomDrivers } from '../bridge/evidence-feed.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { Pose6 } from '../core/pose.js';
import type { Observable } from 'rxjs';
import type { RawRegistration } from '../drivers/imaging-link.js';
import type { QaFrequency } from './checks/index.js';
import type { EpidImageSource } from './epid/epid-image.js';
import type { ToleranceTable } from './tolerance-table.js';

export type QaDevice = 'mlc' | 'beam' | 'couch';

export interface QaRoomActions {
  /** Opens (true) or closes the treatment-room door. */
  setDoorOpen(open: boolean): void;
  setEmergencyStop(pressed: boolean): void;
  /** The device stops answering on its link (a frozen controller), or answers again. */
  silenceLink(device: QaDevice, silent: boolean): void;
  /** Dose channel 1 stops counting while channel 2 counts on (a failed primary channel). */
  setPrimaryChannelStuck(stuck: boolean): void;
  /** Someone jogs the couch from its hand pendant, back and forth, until told to stop. */
  setPendantJog(jogging: boolean): void;
  /** Places the phantom with this setup error: the correction the imager will report first. */
  placePhantom(correction: Pose6): void;
  /** Images the phantom: the imager publishes a registration of where the phantom is now. */
  imagePhantom(): void;
  /** Radiation in the room as an independent monitor sees it (not the linac's readback). */
  beamOnMeasured(): boolean;
}

export interface QaRig {
  readonly config: LoadedConfig;
  readonly drivers: RoomDrivers;
  /** Registration results from the imaging system's link (hot: subscribe before imaging). */
  readonly registrations: Observable<RawRegistration>;
  readonly room: QaRoomActions;
  /** A fresh bridge session on the drivers, started (the check enters QA mode and stops it). */
  openSession(): BridgeSession;
  /** The portal imager (EPID) the MLC leaf-position check measures with. */
  readonly epid: EpidImageSource;
  /** Simulated physics runs this many times faster than the wall clock now (1 on a real machine). */
  readonly timeScale: number;
  /**
   * Runs `body` with the simulated physics at `scale` (at most the current one), then puts it back:
   * a check that samples motion over the links (leaf speed, sliding window) needs device time close to
   * wall time. A real machine runs at 1 and ignores it.
   */
  withTimeScale<T>(scale: number, body: () => Promise<T>): Promise<T>;
}

export interface QaCheckOptions {
  readonly rig: QaRig;
  readonly tolerances: ToleranceTable;
  /** SRS/SBRT tolerance rows. */
  readonly srs: boolean;
  readonly operator: string;
  /** The frequency the run was asked for (`qa run weekly`), when it was one: some checks pick their row by it. */
  readonly frequency?: QaFrequency;
  /** Where a check may write files beside the report (the sliding-window delivery log); none: nothing written. */
  readonly outputDir?: string;
  /** Progress of this check, 0..1, with what it is doing. */
  readonly progress: (fraction: number, label: string) => void;
}
