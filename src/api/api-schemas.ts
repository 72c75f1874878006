/**
 * Wire shapes of the console API (zod). Requests are validated with these on the way in;
 * responses are described by them in the OpenAPI document (openapi.ts) and checked against
 * them in the tests. Commands: bridge/facade/console-commands.ts.
 */
import { z } from 'zod';
import { CONSOLE_ROLES } from '../bridge/facade/console-commands.js';
import { INTERLOCK_IDS } from '../interlock/interlock-catalogue.js';

export const API_VERSION = '1';

export const LoginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
export const LoginResponse = z.object({ token: z.string(), user: z.string(), role: z.enum(CONSOLE_ROLES), expiresAt: z.string() });
export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional(), limit: z.union([z.string(), z.number()]).optional() }),
  requestId: z.string(),
});
export const VersionResponse = z.object({ apiVersion: z.literal(API_VERSION), software: z.string() });
export const CommandAccepted = z.object({ requestId: z.string(), accepted: z.literal(true), stateVersion: z.number().int() });

const Pose6 = z.object({ lateralMm: z.number(), longitudinalMm: z.number(), verticalMm: z.number(), pitchDeg: z.number(), rollDeg: z.number(), yawDeg: z.number() });
const Banks = z.object({ a: z.array(z.number()), b: z.array(z.number()) });
const Link = z.object({ fresh: z.boolean(), detail: z.string() });

export const SessionPart = z.object({
  state: z.string(), tags: z.array(z.string()), planId: z.string().optional(), patientId: z.string().optional(), beamIndex: z.number().int(), beamCount: z.number().int(),
  segmentIndex: z.number().int(), faultReason: z.string().optional(), holdCauses: z.array(z.string()),
});
export const InterlockPart = z.array(z.object({ id: z.enum(INTERLOCK_IDS), title: z.string(), status: z.enum(['clear', 'active', 'latched', 'unknown']), reason: z.string(), latch: z.enum(['permit', 'hold', 'latched']) }));
export const LinksPart = z.object({ mlc: Link, beam: Link, couch: Link, imaging: Link });
export const CouchPart = z.object({ actual: Pose6.nullable(), target: Pose6.nullable(), pendingCorrection: Pose6.nullable(), pendingTarget: Pose6.nullable(), moving: z.boolean().nullable(), limits: z.record(z.string(), z.unknown()) });
export const MlcPart = z.object({ actualMm: Banks.nullable(), expectedMm: Banks.nullable() });
export const BeamPart = z.object({
  beamId: z.number().optional(), mu1: z.number(), mu2: z.number(), plannedMu: z.number().optional(), segmentEndMu: z.number().optional(), doseRateMuPerMin: z.number(),
  state: z.string().describe('the linac readback state: Idle | Armed | BeamOn | Held | SegmentDone | Complete | Terminated | unknown'), doorClosed: z.boolean().nullable(),
});
export const RegistrationsPart = z.array(z.object({
  id: z.string(), source: z.string(), classification: z.enum(['none', 'apply', 'review', 're-setup', 'reject']), reasons: z.array(z.string()), correction: Pose6, target: Pose6,
  status: z.enum(['pending', 'approved', 'rejected', 'superseded']), receivedAt: z.string(), approvedBy: z.object({ user: z.string(), role: z.string() }).optional(), moved: z.boolean(),
  rejectedBy: z.object({ user: z.string(), reason: z.string() }).optional(),
}));
export const JournalPart = z.array(z.object({ seq: z.number().int(), at: z.string(), kind: z.string(), summary: z.string() }));

export const Snapshot = z.object({
  stateVersion: z.number().int(), session: SessionPart, interlocks: InterlockPart, links: LinksPart, couch: CouchPart, mlc: MlcPart, beam: BeamPart,
  registrations: RegistrationsPart, journalTail: JournalPart,
});

/** WebSocket, client → server: the first message authenticates; afterwards only pings are accepted. */
export const WsAuth = z.object({ type: z.literal('auth'), token: z.string().min(1).max(128) }).strict();
export const WsClientMessage = z.object({ type: z.literal('ping'), id: z.string().max(64).optional() }).strict();

/** WebSocket, server → client. */
export const WsServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth-failed') }),
  z.object({ type: z.literal('hello'), apiVersion: z.literal(API_VERSION), user: z.string(), role: z.enum(CONSOLE_ROLES) }),
  z.object({ type: z.literal('snapshot'), stateVersion: z.number().int(), data: Snapshot }),
  z.object({ type: z.literal('update'), topic: z.enum(['session', 'interlocks', 'links', 'couch', 'mlc', 'beam', 'registrations', 'journal']), stateVersion: z.number().int(), data: z.unknown() }),
  z.object({ type: z.literal('pong'), id: z.string().optional() }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) }),
]);
