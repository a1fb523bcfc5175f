// Control of the one running job (generate, batch, train, compare grid, probes, heatmaps).
//
// Why shared memory: a job's ORT calls on WASM resolve as microtasks, so the worker never returns
// to its event loop while a job runs, and a comlink message (cancel, pause) waits until the job has
// finished. The page and the worker share one Int32Array instead (the page is cross-origin
// isolated); the page writes a request into it, the job reads it between steps.
// Without shared memory (not isolated) the same request arrives as a message: it still works
// wherever the backend yields (WebGPU readbacks), and always between jobs.
import type { CancelSignal } from '../../src/core/errors.ts';
import { CONTROL, CONTROL_BYTES, type JobRequest, REQUEST } from '../jobRequests.ts';

let control: Int32Array<ArrayBufferLike> = new Int32Array(CONTROL_BYTES / 4); // replaced by the page's shared array in attachControl
let running = false;

export function attachControl(buffer: SharedArrayBuffer | null): void {
  if (buffer) control = new Int32Array(buffer);
}

/** The page's request, as a message (when it could not write shared memory). */
export function requestJob(request: JobRequest): void {
  if (running) Atomics.store(control, CONTROL.request, request);
}

/** The running job's signal: aborted once the page asked to cancel or pause it. */
const signal: CancelSignal & { readonly pauseRequested: boolean } = {
  get aborted() {
    Atomics.add(control, CONTROL.beat, 1); // every poll is a sign of life (jobControl on the page reads it)
    return Atomics.load(control, CONTROL.request) !== REQUEST.none;
  },
  get pauseRequested() {
    return Atomics.load(control, CONTROL.request) === REQUEST.pause;
  },
};
export type JobSignal = typeof signal;

/**
 * Run one job with a fresh signal. A request that came before the job started belongs to the
 * job before it, so it is cleared first, and again when the job ends.
 */
export async function runJob<T>(job: (signal: JobSignal) => Promise<T>): Promise<T> {
  Atomics.store(control, CONTROL.request, REQUEST.none);
  running = true;
  try {
    return await job(signal);
  } finally {
    running = false;
    Atomics.store(control, CONTROL.request, REQUEST.none);
  }
}

/** Sign of life between jobs (the page's watchdog reads it). */
export function heartbeat(): void {
  Atomics.add(control, CONTROL.beat, 1);
}
