/**
 * The commands a console may send, who may send them, and their wire shapes (zod, validated
 * whole before anything acts on them; the console API's OpenAPI description is generated
 * from these schemas). docs/console-api.md is the contract.
 */
import { z } from 'zod';
import { INTERLOCK_IDS } from '../../interlock/interlock-catalogue.js';

export const CONSOLE_ROLES = ['therapist', 'physician', 'physicist', 'service', 'viewer'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** An authenticated person: the role comes from here, never from a command. */
export interface Identity {
  readonly user: string;
  readonly role: ConsoleRole;
}

const based = { basedOnStateVersion: z.number().int().min(0).describe('the stateVersion of the snapshot the command was decided on') };
/** hold and terminate are safety commands: a stale version never delays them, so it is optional. */
const safety = { basedOnStateVersion: based.basedOnStateVersion.optional() };
const id = z.string().min(1).max(128);
const text = z.string().trim().min(1).max(500);

export const ConsoleCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('loadPlan'), ...based, planId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/).optional(), plan: z.unknown().optional() }).strict()
    .refine((c) => (c.planId === undefined) !== (c.plan === undefined), { message: 'give exactly one of planId and plan', path: ['planId'] }),
  z.object({ type: z.literal('selectBeam'), ...based, beamIndex: z.number().int().min(0).max(999) }).strict(),
  z.object({ type: z.literal('approveRegistration'), ...based, registrationId: id }).strict(),
  z.object({ type: z.literal('rejectRegistration'), ...based, registrationId: id, reason: text }).strict(),
  z.object({ type: z.literal('moveCouch'), ...based, registrationId: id }).strict(),
  z.object({ type: z.literal('arm'), ...based }).strict(),
  z.object({ type: z.literal('beamOn'), ...based }).strict(),
  z.object({ type: z.literal('hold'), ...safety }).strict(),
  z.object({ type: z.literal('resume'), ...based }).strict(),
  z.object({ type: z.literal('repositionMlc'), ...based }).strict().describe('in a hold: re-send the current segment\'s leaves to the MLC (the beam stays held; resume afterwards)'),
  z.object({ type: z.literal('terminate'), ...safety }).strict(),
  z.object({ type: z.literal('acknowledgeInterlock'), ...based, id: z.enum(INTERLOCK_IDS) }).strict(),
  z.object({ type: z.literal('reset'), ...based, reason: text }).strict(),
  z.object({ type: z.literal('enterQaMode'), ...based }).strict(),
  z.object({ type: z.literal('leaveQaMode'), ...based }).strict(),
]);

export type ConsoleCommand = z.infer<typeof ConsoleCommandSchema>;
export type CommandType = ConsoleCommand['type'];

const TREATMENT: readonly ConsoleRole[] = ['therapist'];
const ANY_BUT_VIEWER: readonly ConsoleRole[] = ['therapist', 'physician', 'physicist', 'service'];

/**
 * Who may send each command. approveRegistration is narrowed further by the correction's
 * class (a review-level correction needs a physician). No role can override an interlock:
 * no command exists that would.
 */
export const ALLOWED_ROLES: Readonly<Record<CommandType, readonly ConsoleRole[]>> = {
  loadPlan: TREATMENT,
  selectBeam: TREATMENT,
  approveRegistration: ['therapist', 'physician'],
  rejectRegistration: ['therapist', 'physician'],
  moveCouch: TREATMENT,
  arm: TREATMENT,
  beamOn: TREATMENT,
  hold: ANY_BUT_VIEWER,
  resume: TREATMENT,
  repositionMlc: TREATMENT,
  terminate: ANY_BUT_VIEWER,
  acknowledgeInterlock: TREATMENT,
  reset: TREATMENT,
  enterQaMode: ['physicist'],
  leaveQaMode: ['physicist'],
};

/** Commands that stop radiation or motion: never refused for a stale state version. */
export const SAFETY_COMMAND_TYPES: ReadonlySet<CommandType> = new Set(['hold', 'terminate']);

export type RefusalCode = 'INPUT_INVALID' | 'ROLE_FORBIDDEN' | 'STALE_STATE' | 'REFUSED';

export type CommandOutcome =
  | { readonly ok: true; readonly stateVersion: number }
  | { readonly ok: false; readonly code: RefusalCode; readonly message: string; readonly field?: string; readonly limit?: string | number; readonly stateVersion: number };
