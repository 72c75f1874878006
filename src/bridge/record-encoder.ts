/**
 * Part-10 encoding of a treatment record in a worker thread, so `start`'s event loop (device
 * polling, the statechart, safety commands) never waits for it: dcmjs took 25–50 ms on the loop
 * for the first record of a process (two-beam and 24-level example plans on the 2-core CI
 * machine, docs/treatment-record.md), above half the heartbeat margin.
 *
 *   data set ─(structured clone)─▶ worker: part10Bytes ─(transferred bytes)─▶ caller
 *
 * The worker runs the same `record-part10` module as `simulate` (compiled, or the TypeScript
 * source through tsx when the bridge runs from source). One worker per record, ended after it.
 */
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../domain/records/treatment-record.js';

/** The worker's program (CommonJS, evaluated): loads the encoder, encodes, posts the bytes back. */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  try {
    if (workerData.tsx) (await import(workerData.tsx)).register();
    const { part10Bytes } = await import(workerData.encoder);
    const bytes = part10Bytes(workerData.dataset);
    parentPort.postMessage({ ok: true, bytes }, [bytes.buffer]);
  } catch (e) {
    parentPort.postMessage({ ok: false, message: String((e && e.message) || e) });
  }
})();
`;

function encoderModule(): { encoder: string; tsx?: string } {
  const fromSource = import.meta.url.endsWith('.ts');
  const encoder = new URL(`../domain/records/record-part10.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  return fromSource ? { encoder, tsx: import.meta.resolve('tsx/esm/api') } : { encoder };
}

/** Encodes `ds` to Part-10 bytes off the event loop; rejects with the worker's reason. */
export function encodeRecordOffLoop(ds: Dataset): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(PROGRAM, { eval: true, workerData: { ...encoderModule(), dataset: ds } });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.once('message', (m: { ok: true; bytes: Uint8Array } | { ok: false; message: string }) => done(() => (m.ok ? resolve(new Uint8Array(m.bytes)) : reject(new Error(`record encoder: ${m.message}`)))));
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) => done(() => reject(new Error(`record encoder exited (${code}) without a result`))));
  });
}
