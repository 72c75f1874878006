/** Simulator options from the default config, for tests that start their own simulators. */
import { loadConfig } from '../../src/config/load-config.js';
import { simOptionsFrom } from '../../src/cli/sim-options.js';

export const testConfig = loadConfig();
export const simOptions = simOptionsFrom(testConfig, 10);
export const linkTiming = { requestTimeoutMs: 100, heartbeatMs: 100, staleAfterMs: 150 } as const;
