/** Every scenario of the fault-injection campaign, in the order the report lists them. */
import type { FaultScenario } from './fault-scenario.js';
import { deviceScenarios } from './fault-scenarios-device.js';
import { processScenarios } from './fault-scenarios-process.js';
import { sessionScenarios } from './fault-scenarios-session.js';
import { wireScenarios } from './fault-scenarios-wire.js';

export const allScenarios: FaultScenario[] = [...wireScenarios, ...processScenarios, ...deviceScenarios, ...sessionScenarios];
