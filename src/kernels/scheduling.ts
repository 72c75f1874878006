/**
 * Scheduling priority for the thread that runs the event loop (device polling, the interlock
 * statechart). Tried in order: SCHED_FIFO through the native addon (preempts normal work at once),
 * then a lower nice value, else the normal priority; the outcome is returned so it can be journaled.
 * On a busy 2-core machine a normal thread waited up to 84 ms to be run (docs/timing.md).
 */
import os from 'node:os';
import { native } from './native.js';

export type LoopPriority =
  | { readonly policy: 'fifo'; readonly priority: number }
  | { readonly policy: 'nice'; readonly nice: number; readonly fifoRefused: string }
  | { readonly policy: 'normal'; readonly fifoRefused: string; readonly niceRefused: string };

/** SCHED_FIFO priority asked for: above normal work, below the kernel's own real-time threads (50). */
export const LOOP_FIFO_PRIORITY = 10;
export const LOOP_NICE = -10;

export function raiseLoopPriority(): LoopPriority {
  let fifoRefused: string;
  try {
    return { policy: 'fifo', priority: native().setRealtimePriority(LOOP_FIFO_PRIORITY) };
  } catch (e) {
    fifoRefused = (e as Error).message;
  }
  try {
    os.setPriority(0, LOOP_NICE); // Linux: the calling thread
    return { policy: 'nice', nice: os.getPriority(0), fifoRefused };
  } catch (e) {
    return { policy: 'normal', fifoRefused, niceRefused: (e as Error).message };
  }
}
