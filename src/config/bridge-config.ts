/**
 * The bridge's configuration: which models, device links, tolerances and
 * action levels. config/default.json is the embedded default (everything
 * simulated on loopback, port 0 = simulators pick a free port).
 */
import { z } from 'zod';

/** Whether Intl knows the IANA zone name. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// strict everywhere: an unknown (misspelt) key is an error naming its path, never silently ignored
const TcpSpec = z.object({ kind: z.literal('tcp'), host: z.string().min(1), port: z.number().int().min(0).max(65535) }).strict();
const SerialSpec = z.object({ kind: z.literal('serial'), path: z.string().min(1), baudRate: z.number().int().min(1200).max(4_000_000) }).strict();

const FramedLink = z
  .object({
    transport: z.union([TcpSpec, SerialSpec]),
    connectTimeoutMs: z.number().int().min(10).max(60_000),
    requestTimeoutMs: z.number().int().min(5).max(10_000),
    heartbeatMs: z.number().int().min(10).max(5_000),
    staleAfterMs: z.number().int().min(10).max(10_000),
  })
  .strict()
  .refine((l) => l.staleAfterMs >= l.heartbeatMs && l.staleAfterMs <= 1.6 * l.heartbeatMs, {
    message: 'staleAfterMs must lie in [heartbeatMs, 1.6 × heartbeatMs] so a dead link is reported within two heartbeat periods',
    path: ['staleAfterMs'],
  });

const CouchLink = z
  .object({
    /** Modbus TCP, or Modbus RTU over a serial line. */
    transport: z.union([TcpSpec, SerialSpec]),
    unitId: z.number().int().min(1).max(247),
    connectTimeoutMs: z.number().int().min(10).max(60_000),
    requestTimeoutMs: z.number().int().min(5).max(10_000),
    pollMs: z.number().int().min(5).max(1_000),
    /** Poll period on Modbus RTU: a 6-axis poll is ≈ 9.8 ms on the wire at 115200 baud (docs/protocols/couch.md). */
    rtuPollMs: z.number().int().min(5).max(1_000),
    heartbeatMs: z.number().int().min(10).max(5_000),
    staleAfterMs: z.number().int().min(10).max(10_000),
  })
  .strict()
  .refine((l) => l.staleAfterMs >= Math.max(l.pollMs, l.rtuPollMs) && l.staleAfterMs <= 1.6 * l.heartbeatMs, {
    message: 'staleAfterMs must lie in [max(pollMs, rtuPollMs), 1.6 × heartbeatMs]',
    path: ['staleAfterMs'],
  });

/** A stream with no request/response (imaging results as NDJSON): connected or not, no heartbeat. */
const StreamLink = z
  .object({
    transport: z.union([TcpSpec, SerialSpec]),
    connectTimeoutMs: z.number().int().min(10).max(60_000),
  })
  .strict();

const ActionLevel = z.object({
  /** Corrections up to these are applied after operator approval. */
  applyMaxMm: z.number().positive().max(20),
  applyMaxDeg: z.number().positive().max(5),
  /** Up to these, a physician must review; beyond, the patient is set up again. */
  reviewMaxMm: z.number().positive().max(50),
  reviewMaxDeg: z.number().positive().max(10),
  /** A correction larger than these needs a verification image before beam-on. */
  verifyAboveMm: z.number().min(0).max(50),
  verifyAboveDeg: z.number().min(0).max(10),
  /** Verification imaging after every correction (e.g. SRS). */
  alwaysVerify: z.boolean(),
  /** The verification image's residual must be inside these. */
  verificationToleranceMm: z.number().positive().max(10),
  verificationToleranceDeg: z.number().positive().max(5),
  /** Intrafraction monitoring is required for beam-on under this protocol. */
  intrafractionMonitoring: z.boolean(),
})
  .strict()
  // the levels must nest, or a class is unreachable (verify above review never fires) or contradicts
  // another (a verification residual larger than a correction that would itself be applied unreviewed)
  .refine((a) => a.applyMaxMm <= a.reviewMaxMm, { message: 'applyMaxMm must be <= reviewMaxMm', path: ['applyMaxMm'] })
  .refine((a) => a.applyMaxDeg <= a.reviewMaxDeg, { message: 'applyMaxDeg must be <= reviewMaxDeg', path: ['applyMaxDeg'] })
  .refine((a) => a.verifyAboveMm <= a.reviewMaxMm, { message: 'verifyAboveMm must be <= reviewMaxMm', path: ['verifyAboveMm'] })
  .refine((a) => a.verifyAboveDeg <= a.reviewMaxDeg, { message: 'verifyAboveDeg must be <= reviewMaxDeg', path: ['verifyAboveDeg'] })
  .refine((a) => a.verificationToleranceMm <= a.applyMaxMm, { message: 'verificationToleranceMm must be <= applyMaxMm', path: ['verificationToleranceMm'] })
  .refine((a) => a.verificationToleranceDeg <= a.applyMaxDeg, { message: 'verificationToleranceDeg must be <= applyMaxDeg', path: ['verificationToleranceDeg'] });

/**
 * MU limits of the machine, checked on every plan before it is loaded. A
 * segment stops ≈ 62 ms after its MU on older controllers (≈ 0.6 MU at
 * 600 MU/min), so segments below ~1 MU are unreliable (docs/references.md);
 * the per-beam maximum is a site setting for the machine and its console.
 */
const Delivery = z
  .object({
    maxMuPerBeam: z.number().positive().max(10_000),
    minMuPerBeam: z.number().positive().max(100),
    minMuPerSegment: z.number().positive().max(100),
  })
  .strict()
  .refine((d) => d.minMuPerSegment <= d.minMuPerBeam, { message: 'minMuPerSegment must be <= minMuPerBeam', path: ['minMuPerSegment'] })
  .refine((d) => d.minMuPerBeam <= d.maxMuPerBeam, { message: 'minMuPerBeam must be <= maxMuPerBeam', path: ['minMuPerBeam'] });

/**
 * The beams the treatment machine can deliver: a DICOM plan asking for another
 * radiation type, energy or fluence mode, or a dose rate above the beam's
 * maximum, is refused before delivery (domain/plan/plan-checks.ts). The
 * embedded default is a generic photon machine (6, 10, 15 MV; 6 and 10 MV FFF)
 * with jaws travelling ±200 mm: example values, to be set for the real machine.
 */
const MachineBeam = z.object({
  radiationType: z.enum(['PHOTON', 'ELECTRON', 'PROTON', 'NEUTRON', 'ION']),
  /** Nominal Beam Energy as DICOM gives it: MV for photons, MeV for electrons. */
  nominal: z.number().positive().max(500),
  fluenceMode: z.enum(['STANDARD', 'FFF', 'SRS']).default('STANDARD'),
  maxDoseRateMuPerMin: z.number().int().min(50).max(2_400),
}).strict();

export const DEFAULT_MACHINE = {
  beams: [
    { radiationType: 'PHOTON', nominal: 6, fluenceMode: 'STANDARD', maxDoseRateMuPerMin: 600 },
    { radiationType: 'PHOTON', nominal: 6, fluenceMode: 'FFF', maxDoseRateMuPerMin: 1400 },
    { radiationType: 'PHOTON', nominal: 10, fluenceMode: 'STANDARD', maxDoseRateMuPerMin: 600 },
    { radiationType: 'PHOTON', nominal: 10, fluenceMode: 'FFF', maxDoseRateMuPerMin: 2400 },
    { radiationType: 'PHOTON', nominal: 15, fluenceMode: 'STANDARD', maxDoseRateMuPerMin: 600 },
  ],
} as const;

const Machine = z.object({
  /** Treatment Machine Name (300A,00B2) values this room delivers; absent: any name (the MLC and beams are still checked). */
  names: z.array(z.string().min(1).max(16)).min(1).optional(),
  beams: z.array(MachineBeam).min(1),
  /** Jaw travel at the isocentre plane (every jaw, X and Y), mm. */
  jawTravel: z.object({ minMm: z.number().min(-400).max(0), maxMm: z.number().min(0).max(400) }).strict().default({ minMm: -200, maxMm: 200 }),
}).strict();

/**
 * The console API served by `start` (docs/console-api.md): loopback by default; any other
 * address must come with TLS (a token or password must never cross a network in clear).
 * Paths are relative to the folder of the config file.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const ConsoleSettings = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 = any free port (logged at start). */
    port: z.number().int().min(0).max(65535).default(0),
    tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict().optional(),
    usersFile: z.string().min(1).default('users.json'),
    /** A login token is valid this long, ms (default 8 h: one shift). */
    tokenTtlMs: z.number().int().min(60_000).max(86_400_000).default(28_800_000),
    /** Folder of plan JSON files a `loadPlan { planId }` names (`<planId>.json`); absent: plans are sent inline. */
    plansDir: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => LOOPBACK_HOSTS.has(c.host) || c.tls !== undefined, { message: 'a console on a non-loopback address needs tls (certFile, keyFile)', path: ['tls'] });

export const BridgeConfigSchema = z.object({
  mlcModel: z.string().min(1),
  couchModel: z.string().min(1),
  /** `imaging` is needed by `start` without `--simulate` (the embedded room makes its own). */
  links: z.object({ mlc: FramedLink, beam: FramedLink, couch: CouchLink, imaging: StreamLink.optional() }).strict(),
  tolerances: z.object({
    /**
     * Two dose channels may differ by at most max(floorMu, fraction × the larger reading)
     * before the beam is terminated (IEC 60601-2-1 two channels; values unverified: configurable).
     */
    muChannelDisagreement: z.object({ fraction: z.number().positive().max(0.1), floorMu: z.number().positive().max(5) }),
    /** A delivered beam must match its planned MU within this, MU. */
    deliveredMuToleranceMu: z.number().positive().max(1),
    /** Door, e-stop and beam status evidence older than this is stale, ms. */
    evidenceMaxAgeMs: z.number().int().min(10).max(5_000),
    /** A dose channel above the segment end by more than this terminates and latches, MU (older controllers overshoot ≈ 0.6 MU at 600 MU/min). */
    muOverrunMu: z.number().positive().max(10).default(1),
    /** Bridge backup timer: a beam may be on for planned time (preset MU / dose rate) × this + backupTimerMarginMs, cumulative (IEC 60601-2-1). */
    backupTimerFactor: z.number().min(1).max(3).default(1.1),
    backupTimerMarginMs: z.number().int().min(0).max(60_000).default(2_000),
    /** Between segments the MLC must reach the next segment within this, or the session holds naming IL-MLC-NOT-IN-POSITION, ms. */
    mlcPositioningTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** During a dynamic beam a leaf further than this from its trajectory at the measured MU holds the beam naming IL-MLC-NOT-IN-POSITION, mm (default: Varian's dynamic MLC tolerance, docs/dynamic-delivery.md). */
    dynamicLeafToleranceMm: z.number().positive().max(10).default(2),
  }).strict(),
  delivery: Delivery,
  machine: Machine.default(() => Machine.parse(DEFAULT_MACHINE)),
  actionLevels: z.record(z.string(), ActionLevel),
  registration: z.object({
    maxAgeMs: z.number().int().min(1_000).max(3_600_000),
    /** An imaging clock may differ from the bridge's by at most this; a result stamped further in the future is rejected, and every age allows for it, ms. */
    maxClockSkewMs: z.number().int().min(0).max(60_000).default(1_000),
    /** An approval not followed by the move within this time expires, ms. */
    approvalTtlMs: z.number().int().min(1_000).max(3_600_000),
    /** IANA zone for DICOM times without Timezone Offset From UTC (default: the host's zone). */
    localTimeZone: z.string().min(1).refine(isTimeZone, { message: 'must be an IANA time zone name (e.g. Europe/Berlin)' }).optional(),
    /** A watched drop folder of JSON messages and DICOM Spatial Registration objects (started by `start`). */
    dropFolder: z.object({ dir: z.string().min(1), pollMs: z.number().int().min(20).max(60_000) }).strict().optional(),
  }).strict(),
  intrafraction: z.object({
    /** The target must stay within ± this on every axis, mm. */
    windowMm: z.number().positive().max(20),
    /** Out of the window for longer than this holds the beam, ms. */
    debounceMs: z.number().int().min(0).max(2_000),
    /** Back in the window for this long before beam-on or resume, ms. */
    dwellMs: z.number().int().min(0).max(10_000),
    /** Expected sample period (10–30 Hz streams: 33–100 ms). */
    samplePeriodMs: z.number().int().min(10).max(1_000),
    /** No sample for samplePeriodMs × this is a stale stream. */
    staleSamples: z.number().int().min(1).max(10),
  }).strict(),
  simulation: z.object({
    /** Simulated physics runs this many times faster than wall time (1 = real time). */
    timeScale: z.number().min(0.1).max(100),
    doseRateMuPerMin: z.number().int().min(50).max(2_400),
  }).strict(),
  sequencing: z.object({
    /** A sliding-window result whose delivered fluence differs from the map by more than this in any bixel is refused, MU. */
    slidingWindowMaxBixelErrorMu: z.number().positive().max(5),
  }).strict(),
  margins: z.object({
    /** A per-fraction setup error larger than this on any axis is refused as implausible, mm. */
    maxSetupErrorMm: z.number().positive().max(500),
  }).strict(),
  /** `dir` relative to the folder of the config file (absolute paths as they are). */
  journal: z.object({ dir: z.string().min(1), fsync: z.boolean() }).strict(),
  /**
   * Where `start` writes each fraction's RT Beams Treatment Record: `dir` relative to the folder of
   * the config file (absolute as it is). Absent: beside the journal, as `simulate` (docs/treatment-record.md).
   */
  records: z.object({ dir: z.string().min(1).max(4096) }).strict().optional(),
  /** The console API (absent: the defaults: loopback, any free port, users.json beside the config). */
  console: ConsoleSettings.optional(),
}).strict();

export type BridgeConfig = z.infer<typeof BridgeConfigSchema>;
export type FramedLinkConfig = BridgeConfig['links']['mlc'];
export type CouchLinkConfig = BridgeConfig['links']['couch'];
export type ActionLevels = z.infer<typeof ActionLevel>;

/** The zone DICOM times without an offset are read in: the configured one, else the host's. */
export function localTimeZone(c: BridgeConfig): string {
  return c.registration.localTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
export type DeliveryLimits = z.infer<typeof Delivery>;
export type MachineConfig = z.infer<typeof Machine>;
export type MachineBeamConfig = z.infer<typeof MachineBeam>;
export type ConsoleSettings = z.infer<typeof ConsoleSettings>;

/** The console settings with their defaults filled in. */
export function consoleSettings(c: BridgeConfig): ConsoleSettings {
  return c.console ?? ConsoleSettings.parse({});
}
