/**
 * The models that are enumerated: a CI-sized one run by `npm test`, and the
 * deep ones run by `npm run verify`.
 */
import { SMALL_STEP_MS, modelPlan } from './model-config.js';
import { COMMANDS, type Alphabet } from './model-events.js';
import type { ModelOptions } from './session-model.js';

/** Small alphabet: four room faults (latching: e-stop, channels), two failing commands, operator events also 100 ms late. */
export const CI_ALPHABET: Alphabet = { maxDeviations: 1, failingCommands: ['BEAM_ON', 'HOLD_BEAM'], registrationSizes: ['small'], toggles: ['doorOpen', 'estop', 'staleBeam', 'channelsDisagree'], operatorDelaysMs: [0, SMALL_STEP_MS] };

/** Every room fault, every command failing, both registration sizes, operator events also 100 ms late; one fault at a time. */
export const FULL_ALPHABET: Alphabet = { maxDeviations: 1, failingCommands: COMMANDS, registrationSizes: ['small', 'large'], operatorDelaysMs: [0, SMALL_STEP_MS] };

export const CI_MODEL: ModelOptions = { name: 'conventional 1 beam × 2 segments, small alphabet', plan: modelPlan(1, 2), alphabet: CI_ALPHABET };

/** The CI model after a restart: the room's last journal ended latched (e-stop), so the session starts in fault. */
export const CARRIED_LATCH_MODEL: ModelOptions = { ...CI_MODEL, name: 'conventional 1 beam × 2 segments, small alphabet, started with a carried e-stop latch', carriedLatches: { ids: ['IL-EMERGENCY-STOP'], journal: 'earlier.jsonl' } };

export const DEEP_MODELS: readonly ModelOptions[] = [
  { name: 'conventional 1 beam × 2 segments, full alphabet', plan: modelPlan(1, 2), alphabet: FULL_ALPHABET },
  { name: 'conventional 2 beams × 2 segments, full alphabet', plan: modelPlan(2, 2), alphabet: FULL_ALPHABET },
  { name: 'srs (motion monitoring, verification) 1 beam × 2 segments, full alphabet', plan: modelPlan(1, 2, 'srs'), alphabet: FULL_ALPHABET },
  { name: 'srs (motion monitoring, verification) 2 beams × 2 segments, full alphabet', plan: modelPlan(2, 2, 'srs'), alphabet: FULL_ALPHABET },
];
