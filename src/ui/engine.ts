// The one engine worker of the page, wrapped by comlink. Only store actions call it (callEngine).
// A worker that dies (crash, OOM, lost device) is replaced by restartEngine(); finished results
// live in the store and IndexedDB, never only in the worker.
import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/engineApi.ts';
import { CONTROL, CONTROL_BYTES, type JobRequest, REQUEST } from '../../workers/jobRequests.ts';
import { installTestHooks } from './testHooks.ts';

export type Engine = Comlink.Remote<EngineApi>;

/**
 * A worker silent this long while a call is pending is reported as not responding. Long enough for
 * the longest single ORT call we run (a big model's session creation), short enough to be noticed.
 */
let hangMs = 60_000;

/** Test hook (src/ui/testHooks.ts): a shorter deadline, so a test need not wait a minute. */
export function setHangMs(ms: number): void {
  hangMs = ms;
}

interface Running {
  readonly worker: Worker;
  readonly engine: Engine;
  /** Shared with the worker (jobControl.ts): cancel/pause requests and its heartbeat. */
  readonly control: Int32Array | null;
  /** Rejects when the worker dies: every call races against it. */
  readonly failure: Promise<never>;
  readonly ready: Promise<void>;
  /** Stops watching this worker (on restart). */
  readonly unwatch: AbortController;
}

let current: Running | null = null;
let pending = 0;
const failureListeners = new Set<(err: Error) => void>();

/** Called once per dead worker, with the error that killed it. */
export function onEngineFailure(listener: (err: Error) => void): () => void {
  failureListeners.add(listener);
  return () => failureListeners.delete(listener);
}

function workerError(message: string): Error {
  const e = new Error(message);
  e.name = 'WorkerError';
  return e;
}

function startWorker(): Running {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'gvu-engine' });
  const engine = Comlink.wrap<EngineApi>(worker);
  const unwatch = new AbortController();
  const control = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(CONTROL_BYTES)) : null;
  let fail!: (e: Error) => void;
  const failure = new Promise<never>((_, reject) => {
    let failed = false;
    fail = (e) => {
      if (failed || unwatch.signal.aborted) return;
      failed = true;
      reject(e);
      for (const l of failureListeners) l(e);
    };
  });
  failure.catch(() => {}); // observed through callEngine
  // A worker that fails to load or throws outside a call never answers comlink: report it.
  worker.addEventListener('error', (ev) => {
    fail(workerError(`the engine worker failed: ${ev.message || 'could not load workers/engine.worker.ts (see the console)'}`));
  });
  // A worker that exits without a word (self.close, killed by the browser) fires no event at all.
  // It holds a Web Lock for its whole life; the lock is granted to us the moment it is gone.
  const lockName = `gvu-engine-${crypto.randomUUID()}`;
  const ready = engine.attachControl(control ? (control.buffer as SharedArrayBuffer) : null, lockName).then(() => {
    void navigator.locks?.request(lockName, { signal: unwatch.signal }, () => {
      fail(workerError('the engine worker stopped without an error (it exited or was killed)'));
    }).catch(() => {}); // aborted on restart
  });
  ready.catch((e: unknown) => fail(workerError(`the engine worker did not start: ${e instanceof Error ? e.message : String(e)}`)));
  watchHeartbeat(control, unwatch.signal, fail);
  return { worker, engine, control, failure, ready, unwatch };
}

/**
 * A hung worker (alive, holding its lock, answering nothing) shows only as silence: its jobs poll
 * the control array between steps, and it beats between jobs. No beat for hangMs while a call is
 * pending means the engine is down for the user, whatever the cause.
 */
function watchHeartbeat(control: Int32Array | null, stop: AbortSignal, fail: (e: Error) => void): void {
  if (!control) return;
  let last = Atomics.load(control, CONTROL.beat);
  let quietSince = performance.now();
  const timer = setInterval(() => {
    const beat = Atomics.load(control, CONTROL.beat);
    const now = performance.now();
    if (beat !== last || pending === 0) {
      last = beat;
      quietSince = now;
    } else if (now - quietSince > hangMs) {
      clearInterval(timer);
      fail(workerError(`the engine worker stopped responding (no sign of life for ${Math.round(hangMs / 1000)} s)`));
    }
  }, 1000);
  stop.addEventListener('abort', () => clearInterval(timer));
}

export function getEngine(): Engine {
  if (!current) {
    current = startWorker();
    installTestHooks(current.engine, setHangMs);
  }
  return current.engine;
}

/** Drop the current worker (dead or alive) and start a fresh one on the next call. */
export function restartEngine(): Engine {
  if (current) {
    current.unwatch.abort();
    current.worker.terminate();
  }
  current = null;
  pending = 0;
  return getEngine();
}

export async function callEngine<T>(call: (engine: Engine) => Promise<T>): Promise<T> {
  const e = getEngine();
  const run = current!;
  pending++;
  try {
    await Promise.race([run.ready, run.failure]);
    return await Promise.race([call(e), run.failure]);
  } finally {
    if (current === run) pending--;
  }
}

/**
 * Ask the running job to cancel or pause. Written to shared memory, so it reaches a job that never
 * yields; sent as a message too, for a page without shared memory.
 */
export function requestJob(request: Exclude<JobRequest, 0>): void {
  if (!current) return;
  if (current.control) Atomics.store(current.control, CONTROL.request, request);
  current.engine.requestJob(request).catch(() => {});
}
export const cancelJob = () => requestJob(REQUEST.cancel);
export const pauseJob = () => requestJob(REQUEST.pause);

export const proxy = Comlink.proxy;

/** Engine failures keep a short prefix: the engine, not the input, is at fault. */
const FAILURE_PREFIX: Readonly<Record<string, string>> = { WorkerError: 'Worker failure', DeviceLostError: 'GPU device lost' };
/** Classes only a bug throws: the name stays, for whoever reads the report. */
const BUG_NAMES = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError', 'EvalError', 'URIError', 'RuntimeError']);

/**
 * What a person reads for anything thrown. Comlink carries only name and message across, so the
 * kind lives in `name`. A user's error (InputError, UnknownWordError, AbortError, a plain Error
 * from a check) is its message alone: a class name means nothing to the reader. An engine failure
 * says so in a few words; a real bug keeps its class name.
 */
export const describeError = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  if (isEngineFailure(err)) return `${FAILURE_PREFIX[err.name] ?? 'Engine failure'}: ${err.message}`;
  if (BUG_NAMES.has(err.name)) return `Internal error (${err.name}): ${err.message}`;
  return err.message;
};

/** Errors that mean the engine itself is gone, not that the input was bad. */
export const isEngineFailure = (err: unknown): boolean =>
  err instanceof Error && (err.name === 'WorkerError' || err.name === 'DeviceLostError' || /device (was )?lost|out of memory/i.test(err.message));
